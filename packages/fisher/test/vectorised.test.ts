import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';
import { computeFisher, exampleData, type FisherEstimator } from '../src/index.js';
import { ToyModel, injectToy, toyExamples } from './toy-model.js';
import { expectAllClose } from '@fish-tuning/test-utils';

/** Per-entry relative closeness, with an absolute floor of 1e-6 × the tensor's largest entry (f32 summation). */
async function expectFisherClose(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>, rtol: number) {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, t] of a) {
    const x = await t.data();
    const y = await b.get(name)!.data();
    const scale = Math.max(...Array.from(y, Math.abs));
    expect(scale).toBeGreaterThan(0);
    expectAllClose(x, y, rtol, scale * 1e-6, name);
  }
}

const cases: Array<{ task: 'classification' | 'regression' | 'causal-lm'; estimator: FisherEstimator }> = [
  { task: 'classification', estimator: 'empirical' },
  { task: 'classification', estimator: 'expected' },
  { task: 'regression', estimator: 'empirical' },
  { task: 'causal-lm', estimator: 'empirical' },
];

describe('vectorised Fisher equals the per-sample loop (stand-in LoRA + (IA)^3 model)', () => {
  for (const { task, estimator } of cases) {
    it(`${task}, ${estimator}`, async () => {
      const model = new ToyModel({ task });
      const params = injectToy(model);
      const data = exampleData(toyExamples(task, 20), { task });
      const before = tf.memory().numTensors;
      const vec = await computeFisher(model, params, data, { samples: 12, seed: 3, estimator, method: 'vectorised', chunkSize: 5 });
      const loop = await computeFisher(model, params, data, { samples: 12, seed: 3, estimator, method: 'loop' });
      expect(vec.method).toBe('vectorised');
      expect(loop.method).toBe('loop');
      expect(vec.indices).toEqual(loop.indices);
      await expectFisherClose(vec.scores, loop.scores, 1e-5);
      vec.dispose();
      loop.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('is not the square of the batch-mean gradient (per-sample by construction)', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 8), { task: 'classification' });
    const f = await computeFisher(model, params, data, { samples: 8, order: 'first' });
    const batch = data.batch([0, 1, 2, 3, 4, 5, 6, 7]);
    const meanGrad = tf.grads(() => tf.mean(model.perExampleLoss(batch)))(params.map((p) => p.variable));
    // Jensen: mean of squares ≥ square of mean, strictly for at least one entry.
    let strictly = 0;
    for (let j = 0; j < params.length; j++) {
      const fisher = await f.scores.get(params[j].name)!.data();
      const sq = await tf.square(meanGrad[j]).data();
      fisher.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(sq[i] * (1 - 1e-5));
        if (v > sq[i] * 1.01) strictly++;
      });
    }
    expect(strictly).toBeGreaterThan(0);
    f.dispose();
    model.dispose();
  });

  it('auto falls back to the loop when a layer rejects per-sample shapes', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model, { fc1: 'lora', fc2: 'broken' });
    const data = exampleData(toyExamples('classification', 6), { task: 'classification' });
    await expect(computeFisher(model, params, data, { samples: 6, method: 'vectorised' })).rejects.toThrow(/per-sample/);
    const auto = await computeFisher(model, params, data, { samples: 6, method: 'auto' });
    const loop = await computeFisher(model, params, data, { samples: 6, method: 'loop' });
    expect(auto.method).toBe('loop');
    await expectFisherClose(auto.scores, loop.scores, 0);
    auto.dispose();
    loop.dispose();
    model.dispose();
  });
});

describe('computeFisher options and errors', () => {
  it('is deterministic for a seed, differs across seeds, and honours first-N order', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 30), { task: 'classification' });
    const a = await computeFisher(model, params, data, { samples: 5, seed: 7 });
    const b = await computeFisher(model, params, data, { samples: 5, seed: 7 });
    const c = await computeFisher(model, params, data, { samples: 5, seed: 8 });
    const first = await computeFisher(model, params, data, { samples: 5, order: 'first' });
    expect(first.indices).toEqual([0, 1, 2, 3, 4]);
    expect(a.indices).toEqual(b.indices);
    expect(a.indices).not.toEqual(c.indices);
    for (const [name, t] of a.scores) expect(Array.from(await t.data())).toEqual(Array.from(await b.scores.get(name)!.data()));
    for (const r of [a, b, c, first]) r.dispose();
    model.dispose();
  });

  it('reports progress per sample', async () => {
    const model = new ToyModel({ task: 'regression' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('regression', 10), { task: 'regression' });
    const seen: number[] = [];
    const r = await computeFisher(model, params, data, { samples: 7, chunkSize: 3, onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    r.dispose();
    model.dispose();
  });

  it('rejects N larger than the data, naming the option', async () => {
    const model = new ToyModel({ task: 'classification' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('classification', 4), { task: 'classification' });
    await expect(computeFisher(model, params, data, { samples: 5 })).rejects.toThrow(/option 'samples'.*5 samples.*only 4 rows/);
    model.dispose();
  });

  it('rejects the expected Fisher for a non-classification model', async () => {
    const model = new ToyModel({ task: 'regression' });
    const params = injectToy(model);
    const data = exampleData(toyExamples('regression', 4), { task: 'regression' });
    await expect(computeFisher(model, params, data, { samples: 2, estimator: 'expected' })).rejects.toThrow(/option 'fisher'/);
    model.dispose();
  });

  for (const method of ['vectorised', 'loop'] as const) {
    it(`names the tensor and the data row of a NaN gradient (${method})`, async () => {
      const model = new ToyModel({ task: 'regression' });
      const params = injectToy(model);
      const examples = toyExamples('regression', 6);
      examples[4] = { ...examples[4], labels: Number.NaN };
      const data = exampleData(examples, { task: 'regression' });
      const before = tf.memory().numTensors;
      const err = await computeFisher(model, params, data, { samples: 6, order: 'first', method }).catch((e) => e);
      expect(err).toBeInstanceOf(FishTuningError);
      expect(err.message).toMatch(/sample 4 \(data row\)/);
      expect(err.tensor).toBe(params[0].name);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }
});
