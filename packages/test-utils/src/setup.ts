/**
 * vitest setup: every test file runs on the wasm backend (the Node default) unless it switches.
 * FISH_TEST_BACKEND=cpu runs the suite on the pure-JS backend instead.
 *
 * vitest evaluates modules asynchronously, so the backends' own quieting of tfjs' duplicate-platform
 * warning (see @fish-tuning/core/tfjs-quiet) ends between imports; hold it over the imports here.
 */
import * as tf from '@tensorflow/tfjs-core';

const previous = tf.env().getBool('IS_TEST');
tf.env().set('IS_TEST', true);
const { ready: wasmReady } = await import('@fish-tuning/backend-wasm');
const { ready: cpuReady } = await import('@fish-tuning/backend-cpu');
tf.env().set('IS_TEST', previous);

await wasmReady();
if (process.env.FISH_TEST_BACKEND === 'cpu') {
  await tf.setBackend('cpu');
  await cpuReady().catch(() => undefined);
} else {
  await tf.setBackend('wasm');
}
