/** Importing backend-auto selects tensorflow where the native addon is built (CI builds it), wasm elsewhere. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fastestInstalled, nativeInstalled } from '../src/select.js';

describe('backend-auto', () => {
  it('selects the fastest installed backend on import and says which', async () => {
    const expected = nativeInstalled(false) || nativeInstalled(true) ? 'tensorflow' : 'wasm';
    const { ready } = await import('../src/index.js');
    const selected = await ready();
    expect(selected.name).toBe(expected);
    expect(tf.getBackend()).toBe(expected);
    expect(fastestInstalled()).toMatch(expected === 'wasm' ? /^wasm$/ : /^tensorflow/);
    if (expected === 'tensorflow') expect(selected.native?.libtensorflow).toMatch(/^2\.21\./);
    await tf.setBackend('wasm');
  });
});
