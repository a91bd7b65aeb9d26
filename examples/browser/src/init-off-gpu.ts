/**
 * PiSSA initialisation reads the target weights synchronously (`dataSync`, inside the library's synchronous
 * LoRA `inject`). On WebGPU a synchronous read goes through a canvas copy that, under headless
 * Chromium/SwiftShader, returns zeros and breaks the device ("A valid external Instance reference no longer
 * exists"). Until the library reads them asynchronously, the page runs the injection on the CPU backend:
 * {@link prepareOffGpu} reads the target weights asynchronously (tfjs then keeps a CPU copy that the
 * cross-backend move reuses) and starts the CPU backend once, so that {@link offGpu} can switch to it and
 * back synchronously; the new tensors move to WebGPU on first use. Both are no-ops on other backends.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Linear, namedModules, type Module } from '@fish-tuning/core';

export async function prepareOffGpu(model: Module, targets: RegExp): Promise<void> {
  const backend = tf.getBackend();
  if (backend !== 'webgpu') return;
  for (const [name, m] of namedModules(model)) if (m instanceof Linear && targets.test(name)) await m.kernel.data();
  await tf.setBackend('cpu');
  await tf.setBackend(backend);
}

/** Runs `fn` on the CPU backend (synchronously switched; {@link prepareOffGpu} first). */
export function offGpu<T>(fn: () => T): T {
  const backend = tf.getBackend();
  if (backend !== 'webgpu') return fn();
  // tfjs switches synchronously to a backend that is already initialised; the promise only reports it.
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error('offGpu: the CPU backend is not ready (call prepareOffGpu first)');
  try {
    return fn();
  } finally {
    void tf.setBackend(backend);
  }
}
