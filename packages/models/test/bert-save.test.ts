/** saveHfBert → loadHfBert round trip (weights, head, task, vocab.txt tokenizer), and refusal with an adapter injected. */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Module, setSubmodule } from '@fish-tuning/core';
import { bertStateDict, createBert, loadHfBert, saveHfBert, VocabBertTokenizer } from '../src/bert/index.js';
import { TINY_CONFIG, tmpDir } from './bert-reference.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...Array.from({ length: 35 }, (_, i) => (i % 3 ? `w${i}` : `##s${i}`))].join('\n');

describe('saveHfBert', () => {
  for (const regression of [false, true]) {
    it(`round-trips a ${regression ? 'regression' : 'classification'} model and its tokenizer`, async () => {
      const model = createBert(TINY_CONFIG, 9, { regression });
      // Make the head differ from a fresh one so that loading it (not re-initialising) is what is checked.
      model.classifier.bias.assign(tf.fill(model.classifier.bias.shape, 0.3));
      const tokenizer = new VocabBertTokenizer(VOCAB, { doLowerCase: false });
      const dir = tmpDir('save');
      await saveHfBert(model, dir, { tokenizer });
      expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
      const loaded = await loadHfBert(dir, { seed: 123 });
      expect(loaded.initialised).toEqual([]);
      expect(loaded.model.task).toBe(model.task);
      expect(loaded.tokenizer?.source).toBe('vocab.txt');
      expect(loaded.tokenizer?.encode('w1 W2 w4s3')).toEqual(tokenizer.encode('w1 W2 w4s3'));
      const inputIds = tf.tensor2d([[2, 7, 9, 3, 0]], [1, 5], 'int32');
      const attentionMask = tf.tensor2d([[1, 1, 1, 1, 0]], [1, 5], 'int32');
      const a = model.logits({ inputIds, attentionMask });
      const b = loaded.model.logits({ inputIds, attentionMask });
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b, inputIds, attentionMask]);
      const before = tf.memory().numTensors;
      const state = bertStateDict(model);
      expect(state.size).toBe(5 + 16 * 2 + 2 + 2);
      expect(state.get('bert.encoder.layer.1.intermediate.dense.weight')?.shape).toEqual([24, 16]);
      for (const t of state.values()) t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      loaded.model.dispose();
    });
  }

  it('reads LayerNorm gamma/beta names (TF-converted checkpoints) like weight/bias', async () => {
    const model = createBert(TINY_CONFIG, 4);
    model.bert.encoder.layer[1].output.LayerNorm.bias!.dispose();
    model.bert.encoder.layer[1].output.LayerNorm.bias = tf.fill([16], 0.7) as tf.Tensor1D;
    const dir = tmpDir('gamma');
    await saveHfBert(model, dir);
    const { readSafetensorsFile, writeSafetensorsFile } = await import('@fish-tuning/core/node');
    const file = `${dir}/model.safetensors`;
    const { tensors } = await readSafetensorsFile(file);
    const renamed = new Map([...tensors].map(([k, t]) => [k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), { shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }]));
    expect(renamed.has('bert.encoder.layer.1.output.LayerNorm.beta')).toBe(true);
    await writeSafetensorsFile(file, renamed);
    const loaded = await loadHfBert(dir, { tokenizer: false });
    expect(Array.from(loaded.model.bert.encoder.layer[1].output.LayerNorm.bias!.dataSync())).toEqual(new Array(16).fill(Math.fround(0.7)));
    loaded.model.dispose();
    model.dispose();
  });

  it('refuses to save a base model with an adapter layer in place', () => {
    const model = createBert(TINY_CONFIG, 1);
    class Wrapped extends Module {}
    const old = setSubmodule(model, 'bert.encoder.layer.0.attention.self.query', new Wrapped());
    expect(() => bertStateDict(model)).toThrow(FishTuningError);
    expect(() => bertStateDict(model)).toThrow(/bert\.encoder\.layer\.0\.attention\.self\.query/);
    setSubmodule(model, 'bert.encoder.layer.0.attention.self.query', old);
    model.dispose();
  });
});
