/**
 * Vectorised Fisher = per-sample loop on the real models (stories260K, a small random BERT) for the
 * real PEFT packages: LoRA, DoRA, (IA)^3 and Prefix-tuning.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Example, type PeftAdapter, type PeftTargetModel, type Tuner } from '@fish-tuning/core';
import { createBert, loadLlama2c } from '@fish-tuning/models';
import { loraTuner } from '@fish-tuning/lora';
import { doraTuner } from '@fish-tuning/dora';
import { ia3Tuner } from '@fish-tuning/ia3';
import { prefixTuner } from '@fish-tuning/prefix';
import { expectAllClose, hasShared, sharedPath } from '@fish-tuning/test-utils';
import { computeFisher, exampleData, type FisherEstimator } from '../src/index.js';

const METHODS: Array<[string, Tuner<any, any>, Record<string, unknown>]> = [
  ['lora', loraTuner, { r: 2, lora_alpha: 4 }],
  ['dora', doraTuner, { r: 2, lora_alpha: 4 }],
  ['ia3', ia3Tuner, {}],
  ['prefix', prefixTuner, { num_virtual_tokens: 3 }],
];

/** Moves every PEFT parameter off its init (LoRA's B = 0 would make A's Fisher zero, hiding errors in it). */
function perturb(adapter: PeftAdapter, seed: number): void {
  adapter.trainableParameters().forEach((p, i) => {
    const next = tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', seed + i)));
    p.variable.assign(next);
    next.dispose();
  });
}

function tokens(rng: Rng, n: number, vocab: number): number[] {
  return Array.from({ length: n }, () => 3 + rng.int(vocab - 3));
}

async function compare(model: PeftTargetModel, tuner: Tuner<any, any>, options: Record<string, unknown>, examples: Example[], estimator: FisherEstimator) {
  const adapter = tuner.inject(model, tuner.config(options, model), new Rng(3));
  try {
    perturb(adapter, 100);
    const params = adapter.trainableParameters();
    const data = exampleData(examples, { task: model.task });
    const before = tf.memory().numTensors;
    const vec = await computeFisher(model, params, data, { samples: 6, seed: 1, estimator, method: 'vectorised', chunkSize: 3 });
    const loop = await computeFisher(model, params, data, { samples: 6, seed: 1, estimator, method: 'loop' });
    expect(vec.method).toBe('vectorised');
    for (const p of params) {
      const a = await vec.scores.get(p.name)!.data();
      const b = await loop.scores.get(p.name)!.data();
      const scale = Math.max(...Array.from(b, Math.abs));
      expect(scale, `${p.name} Fisher is all zero`).toBeGreaterThan(0);
      expectAllClose(a, b, 1e-5, scale * 1e-6, p.name);
    }
    vec.dispose();
    loop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    adapter.dispose();
  }
}

const STORIES = sharedPath('models', 'stories260K');

describe.skipIf(!hasShared('models', 'stories260K'))('vectorised = loop on stories260K', () => {
  for (const [name, tuner, options] of METHODS) {
    it(name, async () => {
      const { model } = await loadLlama2c(STORIES);
      const rng = new Rng(9);
      const examples = Array.from({ length: 10 }, (_, i) => {
        const ids = tokens(rng, 4 + (i % 5), 512);
        return { inputIds: ids, labels: ids.map((t, j) => (j < 2 ? -100 : t)) };
      });
      try {
        await compare(model, tuner, options, examples, 'empirical');
      } finally {
        model.dispose();
      }
    });
  }
});

describe('vectorised = loop on a small random BERT', () => {
  const config = { vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 };
  for (const [name, tuner, options] of METHODS) {
    for (const estimator of ['empirical', 'expected'] as const) {
      it(`${name} (${estimator})`, async () => {
        const model = createBert(config, 7, { numLabels: 3 });
        const rng = new Rng(4);
        const examples = Array.from({ length: 10 }, (_, i) => ({ inputIds: [2, ...tokens(rng, 3 + (i % 4), 40), 3], labels: rng.int(3) }));
        try {
          await compare(model, tuner, options, examples, estimator);
        } finally {
          model.dispose();
        }
      });
    }
  }
});
