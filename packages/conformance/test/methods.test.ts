/**
 * The one table that runs the shared checks for every PEFT method (PEFT's test_custom_models.py +
 * PeftCommonTester idea): per-sample views, masked training, save → generic loadAdapter bit-identical,
 * count from shapes = what inject creates, config JSON round trip, registry lookup by peft_type, merge
 * (or its refusal) and no leaked tensors — on a small Llama (GQA) and a small BERT classifier.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, countParameters, tunerForConfig, type AnyTuner, type ModelBatch, type PeftAdapter, type PeftTargetModel } from '@fish-tuning/core';
import { loadAdapter } from '@fish-tuning/core/node';
import { createBert, createLlama } from '@fish-tuning/models';
import { expectAllClose } from '@fish-tuning/test-utils';
import { checkMaskedTraining, checkPerSample, checkSaveLoad, randomise } from '@fish-tuning/test-utils/conformance';
import { loraTuner, registerLora, mergeLora } from '@fish-tuning/lora';
import { doraTuner, registerDora, mergeDora } from '@fish-tuning/dora';
import { ia3Tuner, registerIa3, mergeIa3 } from '@fish-tuning/ia3';
import { adapterTuner, registerAdapter, mergeAdapter } from '@fish-tuning/adapter';
import { prefixTuner, registerPrefix, mergePrefix } from '@fish-tuning/prefix';
import { unipeltTuner, registerUnipelt, mergeUnipelt } from '@fish-tuning/unipelt';

interface MethodCase {
  tuner: AnyTuner;
  register: () => void;
  options: Record<string, unknown>;
  /** The package's merge function (a refusal where the method cannot merge). */
  merge: (adapter: never) => void;
}

const METHODS: MethodCase[] = [
  { tuner: loraTuner, register: registerLora, options: { r: 2, lora_alpha: 4, init_lora_weights: 'gaussian', layers: 'top:2' }, merge: mergeLora },
  { tuner: doraTuner, register: registerDora, options: { r: 2, lora_alpha: 4, init_lora_weights: 'gaussian', layers: 'top:2' }, merge: mergeDora },
  { tuner: ia3Tuner, register: registerIa3, options: { layers: 'top:2' }, merge: mergeIa3 },
  { tuner: adapterTuner, register: registerAdapter, options: { layers: 'top:2', reduction_factor: 4 }, merge: mergeAdapter },
  { tuner: prefixTuner, register: registerPrefix, options: { num_virtual_tokens: 3 }, merge: mergePrefix },
  { tuner: unipeltTuner, register: registerUnipelt, options: { layers: 'top:2' }, merge: mergeUnipelt },
];

const MODELS: Record<'llama' | 'bert', () => PeftTargetModel> = {
  llama: () => createLlama({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 3, numAttentionHeads: 4, numKeyValueHeads: 2 }, 7, 0.2),
  bert: () => createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 3, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }),
};

function batchFor(family: 'llama' | 'bert'): ModelBatch {
  const inputIds = tf.tensor2d([[1, 5, 9, 3], [2, 4, 6, 8], [11, 12, 13, 0]], [3, 4], 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 0]], [3, 4], 'int32');
  return family === 'llama' ? { inputIds, attentionMask } : { inputIds, attentionMask, labels: tf.tensor1d([0, 2, 1], 'int32') };
}

function inject(m: MethodCase, model: PeftTargetModel, seed = 11): PeftAdapter {
  return m.tuner.inject(model, m.tuner.config(m.options, model), new Rng(seed));
}

beforeAll(() => {
  for (const m of METHODS) m.register();
});

describe.each(['llama', 'bert'] as const)('every method on a small %s', (family) => {
  describe.each(METHODS.map((m) => [m.tuner.name, m] as const))('%s', (_name, m) => {
    it('counts from shapes exactly what inject creates, per role and head', () => {
      const model = MODELS[family]();
      const config = m.tuner.config(m.options, model);
      const count = m.tuner.count(config, model);
      const adapter = m.tuner.inject(model, config, new Rng(1));
      const byRole: Record<string, number> = {};
      for (const p of adapter.trainableParameters()) byRole[p.role] = (byRole[p.role] ?? 0) + p.variable.size;
      expect(count.byRole).toEqual(byRole);
      expect(count.adapter).toBe(countParameters(adapter.trainableParameters()));
      expect(count.head).toBe(countParameters(adapter.headParameters!()));
      expect(count.trainable).toBe(count.adapter + count.head);
      if (family === 'bert') expect(count.head).toBeGreaterThan(0); // a classifier is trained and saved with every method
      adapter.dispose();
      model.dispose();
    });

    it('round-trips its config through JSON, and the registry finds it by peft_type', () => {
      const model = MODELS[family]();
      const config = m.tuner.config(m.options, model);
      const json = JSON.parse(JSON.stringify(m.tuner.toJson(config)));
      expect(json.peft_type).toBe(m.tuner.peftType);
      expect(m.tuner.fromJson(json, model, 'adapter_config.json')).toEqual(config);
      expect(tunerForConfig(json)).toBe(m.tuner);
      expect(() => m.tuner.fromJson({ ...json, peft_type: 'NOT_A_METHOD' }, model, 'x/adapter_config.json')).toThrow(/file 'x\/adapter_config.json', option 'peft_type'/);
      model.dispose();
    });

    it('per-sample views equal the shared forward and give per-sample gradients', async () => {
      const model = MODELS[family]();
      const adapter = inject(m, model);
      randomise(adapter, 3, 0.3, m.tuner.name === 'ia3' ? 1 : 0);
      await checkPerSample(model, adapter, batchFor(family));
      adapter.dispose();
      model.dispose();
    });

    it('masked SGD moves only selected entries', async () => {
      const model = MODELS[family]();
      const adapter = inject(m, model);
      await checkMaskedTraining(model, adapter, batchFor(family), 2, 0.1);
      adapter.dispose();
      model.dispose();
    });

    it('saves and loads back bit-identical through the generic loadAdapter', async () => {
      const model = MODELS[family]();
      const adapter = inject(m, model);
      randomise(adapter, 9, 0.3, m.tuner.name === 'ia3' ? 1 : 0);
      const fresh = MODELS[family]();
      const { reloaded } = await checkSaveLoad(adapter, batchFor(family), fresh, loadAdapter);
      expect(reloaded.config.peft_type).toBe(m.tuner.peftType);
      expect(tunerForConfig(reloaded.config)).toBe(m.tuner);
      reloaded.dispose();
      adapter.dispose();
      fresh.dispose();
      model.dispose();
    });

    it(m.tuner.merge ? 'merges into the base weights with the same output, and unmerges' : 'refuses to merge, naming merge', async () => {
      const model = MODELS[family]();
      const adapter = inject(m, model);
      randomise(adapter, 5, 0.2, m.tuner.name === 'ia3' ? 1 : 0);
      const batch = batchFor(family);
      const before = model.logits(batch);
      if (!m.tuner.merge) {
        expect(() => m.merge(adapter as never)).toThrow(/option 'merge'/);
      } else {
        m.tuner.merge(adapter);
        const merged = model.logits(batch);
        expectAllClose(await merged.data(), await before.data(), 1e-4, 1e-5, 'merged logits');
        m.tuner.unmerge!(adapter);
        const unmerged = model.logits(batch);
        expectAllClose(await unmerged.data(), await before.data(), 1e-4, 1e-5, 'unmerged logits');
        tf.dispose([merged, unmerged]);
      }
      tf.dispose(before);
      adapter.dispose();
      model.dispose();
    });

    it('inject → forward → dispose leaves no tensor behind and restores the model exactly', async () => {
      const model = MODELS[family]();
      const batch = batchFor(family);
      const bare = model.logits(batch);
      const n = tf.memory().numTensors;
      const adapter = inject(m, model);
      tf.dispose(model.logits(batch));
      adapter.dispose();
      adapter.dispose();
      expect(tf.memory().numTensors).toBe(n);
      const again = model.logits(batch);
      expect(Array.from(await again.data())).toEqual(Array.from(await bare.data()));
      tf.dispose([bare, again]);
      model.dispose();
    });
  });
});
