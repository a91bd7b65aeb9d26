/**
 * Every PEFT method on every architecture of the paper (the transformers fixtures of
 * packages/models/test/fixtures: llama3, qwen2, phi3, bert, modernbert): inject, perturb off the init,
 * vectorised Fisher = per-sample loop, every score non-zero somewhere, tensors flat, and the model's
 * logits back to the original after the adapter is disposed. Targets are the model-family table's defaults
 * (fused phi3 `qkv_proj` and modernbert `Wqkv` targeted whole, as PEFT does).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Example, type PeftAdapter, type PeftTargetModel, type Tuner } from '@fish-tuning/core';
import { loadPretrained } from '@fish-tuning/models';
import { loraTuner } from '@fish-tuning/lora';
import { doraTuner } from '@fish-tuning/dora';
import { ia3Tuner } from '@fish-tuning/ia3';
import { prefixTuner } from '@fish-tuning/prefix';
import { adapterTuner } from '@fish-tuning/adapter';
import { unipeltTuner } from '@fish-tuning/unipelt';
import { expectAllClose } from '@fish-tuning/test-utils';
import { computeFisher, exampleData } from '../src/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'test', 'fixtures');

const ARCHITECTURES = ['llama', 'qwen2', 'phi3', 'bert', 'modernbert'];

/** Each method with the model-family table's default targets (core/src/model-families.ts), small sizes. */
const METHODS: Array<[string, Tuner<any, any>, Record<string, unknown>]> = [
  ['lora', loraTuner, { r: 2, lora_alpha: 4 }],
  ['dora', doraTuner, { r: 2, lora_alpha: 4 }],
  ['ia3', ia3Tuner, {}],
  ['prefix', prefixTuner, { num_virtual_tokens: 3 }],
  ['adapter', adapterTuner, { reduction_factor: 16 }],
  ['unipelt', unipeltTuner, { lora: { r: 2 }, prefix: { num_virtual_tokens: 2 } }],
];

function perturb(adapter: PeftAdapter, seed: number): void {
  adapter.trainableParameters().forEach((p, i) => {
    const next = tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', seed + i)));
    p.variable.assign(next);
    next.dispose();
  });
}

/**
 * Rows of different lengths, so that the vectorised chunks are padded and the loop is not — except for
 * UniPELT, whose gates average over the whole padded sequence as AdapterHub's do (padding changes them).
 */
function examples(model: PeftTargetModel, method: string): Example[] {
  const rng = new Rng(5);
  return (method === 'unipelt' ? [8, 8, 8, 8] : [9, 6, 8, 5]).map((n, i) => {
    const ids = Array.from({ length: n }, () => 5 + rng.int(100));
    return { inputIds: ids, labels: model.task === 'causal-lm' ? ids : i % 3 };
  });
}

describe.each(ARCHITECTURES)('%s', (arch) => {
  test.each(METHODS.map((m) => [m[0], m] as const))('%s: Fisher vectorised = loop, non-zero, model restored', async (name, [, tuner, options]) => {
    const { model } = await loadPretrained(path.join(FIXTURES, arch), { tokenizer: false });
    const data = exampleData(examples(model, name), { task: model.task });
    const probe = data.batch([0, 1]);
    const original = await model.logits(probe).data();
    const adapter = tuner.inject(model, tuner.config(options, model), new Rng(3));
    try {
      perturb(adapter, 100);
      const params = adapter.trainableParameters();
      expect(params.length).toBeGreaterThan(0);
      const before = tf.memory().numTensors;
      const vec = await computeFisher(model, params, data, { samples: 4, seed: 1, method: 'vectorised', chunkSize: 2 });
      const loop = await computeFisher(model, params, data, { samples: 4, seed: 1, method: 'loop' });
      for (const p of params) {
        const a = await vec.scores.get(p.name)!.data();
        const b = await loop.scores.get(p.name)!.data();
        const scale = Math.max(...Array.from(b, Math.abs));
        expect(scale, `${p.name} Fisher is all zero`).toBeGreaterThan(0);
        expectAllClose(a, b, 1e-4, scale * 1e-5, p.name);
      }
      vec.dispose();
      loop.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      adapter.dispose();
    }
    const after = await model.logits(probe).data();
    expectAllClose(after, original, 0, 0, 'logits after dispose');
    tf.dispose(Object.values(probe) as tf.Tensor[]);
    model.dispose();
  });
});
