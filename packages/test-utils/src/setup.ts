/**
 * vitest setup: every test file runs on the wasm backend (the Node default) unless it switches.
 * FISH_TEST_BACKEND=cpu runs the suite on the pure-JS backend instead.
 */
import { ready as wasmReady } from '@fish-tuning/backend-wasm';
import { ready as cpuReady } from '@fish-tuning/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await wasmReady();
if (process.env.FISH_TEST_BACKEND === 'cpu') {
  await tf.setBackend('cpu');
  await cpuReady().catch(() => undefined);
} else {
  await tf.setBackend('wasm');
}
