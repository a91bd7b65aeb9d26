/** Runs in headless Chromium: every conformance op case (forward and gradients) on WebGPU. */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@fish-tuning/backend-webgpu';
// The browser-safe part of test-utils (its index also holds Node-only helpers).
import { runAllCases } from '../../test-utils/src/backend-conformance/op-cases.js';

(window as any).__fishResult = (async () => {
  await ready();
  const results = await runAllCases('webgpu');
  return { backend: tf.getBackend(), results: results.map((r) => ({ name: r.name, outputs: r.outputs.map((o) => Array.from(o)) })) };
})();
