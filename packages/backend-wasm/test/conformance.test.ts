/** The wasm backend (with fish-tuning's fixes: batched matMul kernel, matMul gradient, segment sum) vs cpu. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, OP_CASES } from '@fish-tuning/test-utils';
import { ready } from '@fish-tuning/backend-wasm';

describe('backend conformance: wasm vs cpu', () => {
  it(`agrees on all ${OP_CASES.length} op cases and their gradients`, async () => {
    await ready();
    const { cases, outputs, bad } = await compareBackends('wasm');
    expect(cases).toBe(OP_CASES.length);
    expect(outputs).toBeGreaterThan(cases);
    expect(bad).toEqual([]);
    await tf.setBackend('wasm');
  });
});
