import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '../src/load-native.js';

describe('loadNative', () => {
  it('rejects with the set-up command and the wasm fallback when the package cannot be loaded, leaving the backend alone', async () => {
    const before = tf.getBackend();
    const missing = '@tensorflow/tfjs-node-not-installed';
    await expect(loadNative(missing, true, () => import(/* @vite-ignore */ missing))).rejects.toThrow(
      /^@tensorflow\/tfjs-node-not-installed is not set up \(.*\)\. Run `pnpm fish-tune setup-native --gpu`.*wasm backend is used/,
    );
    expect(tf.getBackend()).toBe(before);
  });
});
