/**
 * Chunk sizing from measured memory, and backend out-of-memory aborts turned into an error that names
 * the option to lower.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type ModelBatch } from '@fish-tuning/core';
import { computeFisher, exampleData } from '../src/index.js';
import { ToyModel, injectToy, toyExamples } from './toy-model.js';
import { expectAllClose } from '@fish-tuning/test-utils';

async function scoresOf(r: { scores: Map<string, tf.Tensor> }): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [k, t] of r.scores) out.set(k, (await t.data()) as Float32Array);
  return out;
}

describe('Fisher chunk size', () => {
  it('follows the memory budget: a tiny budget gives chunks of 1, a large one up to the cap, the same Fisher either way', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 20), { task: 'classification' });
    const before = tf.memory().numTensors;
    const small = await computeFisher(model, params, data, { samples: 12, seed: 3, memoryBudget: 1 });
    const large = await computeFisher(model, params, data, { samples: 12, seed: 3, memoryBudget: 1e12 });
    const fixed = await computeFisher(model, params, data, { samples: 12, seed: 3, chunkSize: 5 });
    expect(small.chunkSize).toBe(1);
    expect(large.chunkSize).toBe(12);
    expect(fixed.chunkSize).toBe(5);
    const [a, b, c] = [await scoresOf(small), await scoresOf(large), await scoresOf(fixed)];
    for (const [k, v] of c) {
      const scale = Math.max(...Array.from(v, Math.abs));
      expectAllClose(a.get(k)!, v, 1e-5, scale * 1e-6, k);
      expectAllClose(b.get(k)!, v, 1e-5, scale * 1e-6, k);
    }
    // The probe's scratch sums and batches are freed.
    [small, large, fixed].forEach((r) => r.dispose());
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a budget between one and all samples gives a chunk in between (measured per-sample bytes)', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 20), { task: 'classification' });
    const one = await computeFisher(model, params, data, { samples: 12, seed: 3, memoryBudget: 1 });
    // Find the per-sample peak by bisection over budgets: the chunk must grow monotonically with the budget.
    const sizes: number[] = [];
    for (const budget of [1e3, 1e4, 1e5, 1e6, 1e7]) {
      const r = await computeFisher(model, params, data, { samples: 12, seed: 3, memoryBudget: budget });
      sizes.push(r.chunkSize);
      r.dispose();
    }
    expect(sizes).toEqual([...sizes].sort((x, y) => x - y));
    expect(sizes.some((s) => s > 1 && s < 12)).toBe(true);
    one.dispose();
    model.dispose();
  });

  for (const message of ['memory access out of bounds', 'Aborted(). Build with -sASSERTIONS for more info.']) {
    it(`turns a backend abort ("${message}") into an error naming chunkSize and --chunk-size`, async () => {
      const model = new ToyModel({ task: 'classification' });
      const params = injectToy(model);
      const data = exampleData(toyExamples('classification', 20), { task: 'classification' });
      const original = model.perExampleLoss.bind(model);
      let calls = 0;
      model.perExampleLoss = (batch: ModelBatch) => {
        // The probe and the first chunk pass; the next (larger) chunk "runs out of memory".
        if (++calls > 2) throw new WebAssembly.RuntimeError(message);
        return original(batch);
      };
      const before = tf.memory().numTensors;
      const err = await computeFisher(model, params, data, { samples: 12, seed: 3, chunkSize: 4, method: 'vectorised' }).catch((e) => e);
      expect(err).toBeInstanceOf(FishTuningError);
      expect(err.option).toBe('chunkSize');
      expect(err.message).toMatch(/ran out of memory computing per-sample gradients of 4 sample\(s\) at once.*--chunk-size, e\.g\. 1/);
      expect(err.message).toContain(message.split('.')[0]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }
});
