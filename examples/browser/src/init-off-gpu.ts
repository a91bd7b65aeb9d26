/**
 * PiSSA initialisation reads the target weights synchronously (`dataSync`, inside the library's synchronous
 * `injectLora`). On WebGPU a synchronous read goes through a canvas copy that breaks the device under
 * headless Chromium/SwiftShader ("createBuffer failed"). Until the library reads them asynchronously, the
 * page runs the injection on the CPU backend: the target weights are first read asynchronously (tfjs then
 * keeps a CPU copy that the cross-backend move reuses), the init runs on 'cpu', and the new tensors move to
 * WebGPU on first use. A no-op on every other backend.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Linear, namedModules, type Module } from '@fish-tuning/core';

export async function injectOffGpu<T>(model: Module, targets: RegExp, inject: () => T): Promise<T> {
  const backend = tf.getBackend();
  if (backend !== 'webgpu') return inject();
  for (const [name, m] of namedModules(model)) if (m instanceof Linear && targets.test(name)) await m.kernel.data();
  await tf.setBackend('cpu');
  try {
    return inject();
  } finally {
    await tf.setBackend(backend);
  }
}
