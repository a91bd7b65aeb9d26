/**
 * Backend choice for the CLI: wasm (the default, fast SIMD) or cpu (pure JS, no 4 GiB heap cap).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready as wasmReady } from '@fish-tuning/backend-wasm';
import { ready as cpuReady } from '@fish-tuning/backend-cpu';
import { FishTuningError } from '@fish-tuning/core';

export const BACKENDS = ['wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export async function selectBackend(name: string): Promise<void> {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new FishTuningError(`unknown backend '${name}'; accepted: ${BACKENDS.join(', ')}`, { option: '--backend' });
  }
  await wasmReady();
  if (name === 'cpu') await cpuReady().catch(() => undefined);
  if (!(await tf.setBackend(name))) throw new FishTuningError(`backend '${name}' failed to initialise`, { option: '--backend' });
  await tf.ready();
}
