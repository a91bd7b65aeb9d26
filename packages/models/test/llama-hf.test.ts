/** Hugging Face layout: save stories260K as config.json + model.safetensors (+ tokenizer.json) and load it back. */
import { afterAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensorsFile, writeSafetensorsFile } from '@fish-tuning/core/node';
import { FishTuningError } from '@fish-tuning/core';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { createLlama, generateIds, loadHfLlama, loadLlama2c, loadLlamaModel, saveHfLlama, HfTokenizer } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-hf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function expectFishError(p: Promise<unknown>, ...parts: string[]): Promise<FishTuningError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FishTuningError);
  for (const part of parts) expect((e as Error).message).toContain(part);
  return e as FishTuningError;
}

describe.skipIf(!hasShared('models', 'stories260K'))('HF layout round trip (stories260K)', () => {
  const dir = path.join(tmp, 'stories-hf');

  test('saved and reloaded through the HF loader, logits are identical and the tokenizer.json encodes alike', async () => {
    const { model, tokenizer } = await loadLlama2c(sharedPath('models', 'stories260K'));
    await saveHfLlama(model, dir, { tokenizer });
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'llama', hidden_size: 64, num_hidden_layers: 5, num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 512, tie_word_embeddings: true });
    const { tensors } = await readSafetensorsFile(path.join(dir, 'model.safetensors'));
    expect(tensors.has('lm_head.weight')).toBe(false);
    expect(tensors.get('model.layers.0.self_attn.k_proj.weight')!.shape).toEqual([32, 64]);

    const hf = await loadHfLlama(dir);
    expect(hf.tokenizer).toBeInstanceOf(HfTokenizer);
    const ids = tf.tensor2d([[1, 403, 407, 261, 378, 432, 383, 286]], undefined, 'int32');
    const a = model.logits({ inputIds: ids });
    const b = hf.model.logits({ inputIds: ids });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, ids]);

    // tokenizers.js on the converted tokenizer.json against our llama2.c encoder.
    const texts = ['Once upon a time, there was a little girl named Lily.', 'Tom said: "Wow!"\nThe end.', '  two  spaces', 'café ü 🐟', 'x'];
    for (const text of texts) {
      expect(hf.tokenizer!.encode(text), text).toEqual(tokenizer!.encode(text));
      expect(hf.tokenizer!.decode(tokenizer!.encode(text))).toBe(text);
    }
    expect(hf.tokenizer!.bosId).toBe(1);
    expect(hf.tokenizer!.eosId).toBe(2);
    const greedyA = await generateIds(model, [1], { maxNewTokens: 20 });
    const greedyB = await generateIds(hf.model, [1], { maxNewTokens: 20 });
    expect(greedyB).toEqual(greedyA);
    model.dispose();
    hf.model.dispose();
  });

  test('sharded checkpoints load through model.safetensors.index.json', async () => {
    const sharded = path.join(tmp, 'sharded');
    fs.mkdirSync(sharded);
    fs.copyFileSync(path.join(dir, 'config.json'), path.join(sharded, 'config.json'));
    const { tensors } = await readSafetensorsFile(path.join(dir, 'model.safetensors'));
    const names = [...tensors.keys()];
    const shards = [names.slice(0, 20), names.slice(20)];
    const weightMap: Record<string, string> = {};
    for (const [i, part] of shards.entries()) {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      await writeSafetensorsFile(path.join(sharded, file), new Map(part.map((n) => [n, { shape: tensors.get(n)!.shape, data: tensors.get(n)!.data as Float32Array, dtype: 'F32' as const }])));
      for (const n of part) weightMap[n] = file;
    }
    fs.writeFileSync(path.join(sharded, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const a = await loadHfLlama(dir);
    const b = await loadLlamaModel(sharded);
    expect(b.tokenizer).toBeNull();
    const ids = tf.tensor2d([[1, 403, 407]], undefined, 'int32');
    const la = a.model.logits({ inputIds: ids });
    const lb = b.model.logits({ inputIds: ids });
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    tf.dispose([la, lb, ids]);
    a.model.dispose();
    b.model.dispose();
  });
});

describe('HF layout errors name the file and the tensor or field', () => {
  const dir = path.join(tmp, 'tiny');
  const tiny = { vocabSize: 16, hiddenSize: 8, intermediateSize: 12, numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1 };

  test('a misshaped tensor', async () => {
    const m = createLlama(tiny, 1);
    await saveHfLlama(m, dir);
    m.dispose();
    const file = path.join(dir, 'model.safetensors');
    const { tensors } = await readSafetensorsFile(file);
    const bad = new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }]));
    bad.set('model.layers.0.mlp.up_proj.weight', { shape: [8, 12], data: new Float32Array(96), dtype: 'F32' });
    await writeSafetensorsFile(file, bad);
    const e = await expectFishError(loadHfLlama(dir), file, 'model.layers.0.mlp.up_proj.weight', '[8,12]', '[12,8]');
    expect(e.tensor).toBe('model.layers.0.mlp.up_proj.weight');
  });

  test('a missing tensor, and a config that does not match the weights', async () => {
    const m = createLlama(tiny, 1);
    await saveHfLlama(m, dir);
    m.dispose();
    const file = path.join(dir, 'model.safetensors');
    const { tensors } = await readSafetensorsFile(file);
    tensors.delete('model.norm.weight');
    await writeSafetensorsFile(file, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }])));
    await expectFishError(loadHfLlama(dir), file, 'model.norm.weight', 'missing');

    const m2 = createLlama(tiny, 1);
    await saveHfLlama(m2, dir);
    m2.dispose();
    const configFile = path.join(dir, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    fs.writeFileSync(configFile, JSON.stringify({ ...config, num_hidden_layers: 2 }));
    await expectFishError(loadHfLlama(dir), file, 'model.layers.1.self_attn.q_proj.weight');
    fs.writeFileSync(configFile, JSON.stringify({ ...config, hidden_size: 12 }));
    await expectFishError(loadHfLlama(dir), file, 'model.embed_tokens.weight', '[16,8]', '[16,12]');
    fs.writeFileSync(configFile, JSON.stringify({ ...config, hidden_size: 10, head_dim: undefined }));
    await expectFishError(loadHfLlama(dir), configFile, "option 'hidden_size'", 'rotary dimension 5');
    fs.writeFileSync(configFile, JSON.stringify({ ...config, vocab_size: undefined }));
    const e = await expectFishError(loadHfLlama(dir), configFile, 'vocab_size');
    expect(e.option).toBe('vocab_size');
  });
});
