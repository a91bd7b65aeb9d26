import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, sliceBatch } from '@fish-tuning/core';
import { batchGradients, computeFisher, exampleData } from '../src/index.js';
import { ToyModel, injectToy, toyExamples } from './toy-model.js';

/**
 * Central differences in float32, made meaningful by: (1) dividing by the step actually stored in
 * f32 (θ+h and θ−h read back), (2) Richardson extrapolation D = (4·D(h/2) − D(h))/3 so that a large h
 * (cancellation error ~ε·|L|/h) keeps an O(h⁴) truncation error, and (3) only testing
 * entries whose gradient is well above that noise floor.
 */
async function centralDifference(v: tf.Variable, flat: number, h: number, loss: () => Promise<number>): Promise<number> {
  const original = await v.data();
  const at = async (delta: number): Promise<[number, number]> => {
    const next = Float32Array.from(original);
    next[flat] = original[flat] + delta;
    v.assign(tf.tensor(next, v.shape));
    const stored = next[flat]; // f32-rounded
    const l = await loss();
    return [stored, l];
  };
  const d = async (step: number) => {
    const [xp, lp] = await at(step);
    const [xm, lm] = await at(-step);
    return (lp - lm) / (xp - xm);
  };
  const dh = await d(h);
  const dh2 = await d(h / 2);
  v.assign(tf.tensor(original, v.shape));
  return (4 * dh2 - dh) / 3;
}

// h = 0.02: the f32 noise of a difference quotient here is ~ε·|L|·10/h ≈ 1e-4 (measured: up to 8e-5),
// the Richardson truncation error O(h⁴) is far below it. Entries with |g| < 1e-2 are skipped.
const H = 2e-2;
const NOISE = 1e-4;
describe('per-sample loop equals central finite differences', () => {
  for (const task of ['classification', 'causal-lm'] as const) {
    it(`${task}: per-sample gradients and Fisher entries`, async () => {
      const model = new ToyModel({ task });
      const params = injectToy(model);
      const data = exampleData(toyExamples(task, 4), { task });
      const rows = [0, 1, 2, 3];
      const batch = data.batch(rows);
      const vars = params.map((p) => p.variable);
      // Loop gradients, one row at a time.
      const loopGrads: Float32Array[][] = [];
      for (let i = 0; i < rows.length; i++) {
        const bi = sliceBatch(batch, i);
        const g = batchGradients(vars, () => model.perExampleLoss(bi));
        loopGrads.push(await Promise.all(g.map((t) => t.data() as Promise<Float32Array>)));
        tf.dispose(g);
        disposeBatch(bi);
      }
      const fisher = await computeFisher(model, params, data, { indices: rows, method: 'loop' });
      let checked = 0;
      for (let j = 0; j < params.length; j++) {
        const sizes = loopGrads[0][j].length;
        // Three entries per tensor, spread over it.
        for (const flat of [0, Math.floor(sizes / 2), sizes - 1]) {
          const fd: number[] = [];
          for (let i = 0; i < rows.length; i++) {
            const bi = sliceBatch(batch, i);
            const loss = async () => {
              const l = model.perExampleLoss(bi);
              const v = (await l.data())[0];
              l.dispose();
              return v;
            };
            fd.push(await centralDifference(vars[j], flat, H, loss));
            disposeBatch(bi);
          }
          for (let i = 0; i < rows.length; i++) {
            const g = loopGrads[i][j][flat];
            if (Math.abs(g) < 1e-2) continue; // too close to the f32 noise floor of the difference quotient
            expect(Math.abs(fd[i] - g), `${params[j].name}[${flat}] sample ${i}: fd ${fd[i]} vs ${g}`).toBeLessThanOrEqual(5e-4 * Math.abs(g) + NOISE);
            checked++;
          }
          const fdFisher = fd.reduce((s, x) => s + x * x, 0) / rows.length;
          const got = (await fisher.scores.get(params[j].name)!.data())[flat];
          // Each FD gradient is good to NOISE, so F = mean g² is good to ~2·NOISE·max|g| + NOISE².
          const maxG = Math.max(...fd.map(Math.abs));
          expect(Math.abs(got - fdFisher), `${params[j].name}[${flat}] Fisher ${got} vs fd ${fdFisher}`).toBeLessThanOrEqual(1e-3 * fdFisher + 2 * NOISE * maxG + NOISE * NOISE);
        }
      }
      expect(checked).toBeGreaterThan(params.length * 3);
      fisher.dispose();
      disposeBatch(batch);
      model.dispose();
    });
  }
});
