/** @module Numeric comparison helpers for tests. */
import * as tf from '@tensorflow/tfjs-core';

/** Largest |a-b| / (atol + rtol·|b|) over all entries; ≤ 1 means "close". */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]) || Number.MIN_VALUE);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/** max |a − b| / max |b| (NaN counts as Infinity): the relative error the parity tests bound. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

/** Throws with the worst entry when `actual` and `expected` differ beyond atol + rtol·|expected|. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0, what = 'values'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}: entry ${i}: ${a} vs expected ${e} (|diff| ${Math.abs(a - e)} > ${atol} + ${rtol}·|expected|)`);
    }
  }
}

/** Runs `step` n times and returns tf.memory().numTensors before and after. */
export async function tensorCountAround(n: number, step: (i: number) => void | Promise<void>): Promise<{ before: number; after: number }> {
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) await step(i);
  return { before, after: tf.memory().numTensors };
}
