/**
 * Runs in headless Chromium: the same computations as webgpu.test.ts's Node reference, on WebGPU.
 * Exercises what training needs: matMul gradients (fish-tuning's), gather's gradient, erf (BERT's GELU)
 * and a masked AdamW-style update.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@fish-tuning/backend-webgpu';
import { trainingKernelsProbe } from './probe';

(window as any).__fishResult = (async () => {
  await ready();
  const out = await trainingKernelsProbe(tf);
  return { backend: tf.getBackend(), ...out };
})();
