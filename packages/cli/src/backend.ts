/**
 * Backend choice for the CLI. `auto` (the default) takes the fastest one installed: the native TensorFlow
 * backend with CUDA (`tensorflow-gpu`) when a GPU is present, the native CPU one (`tensorflow`), then wasm.
 * Every command prints what it runs on. `fish-tune setup-native [--gpu]` installs the native ones.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { ready as wasmReady } from '@fish-tuning/backend-wasm';
import { ready as cpuReady } from '@fish-tuning/backend-cpu';
import { findTfjsNodePackage, isSetUp } from '@fish-tuning/backend-node/setup';
import { FishTuningError } from '@fish-tuning/core';

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What a command runs on, as printed. */
export interface SelectedBackend {
  /** tfjs' backend name: 'tensorflow' | 'wasm' | 'cpu'. */
  name: string;
  /** The line printed to stderr, e.g. "backend: tensorflow (libtensorflow 2.21.0, CPU)". */
  description: string;
}

/** Whether tfjs-node(-gpu)'s addon is built where this CLI resolves it (no loading). */
export function nativeInstalled(gpu: boolean): boolean {
  try {
    const from = gpu ? path.dirname(createRequire(import.meta.url).resolve('@fish-tuning/backend-node-gpu/package.json')) : undefined;
    const dir = findTfjsNodePackage(gpu, from);
    return dir !== null && isSetUp(dir);
  } catch {
    return false;
  }
}

/** A CUDA device node exists (the GPU package falls back to the CPU without one). */
const gpuPresent = () => fs.existsSync('/dev/nvidiactl');

/** The backend `auto` picks: tensorflow GPU > tensorflow CPU > wasm. */
export function autoBackend(): Exclude<BackendName, 'auto'> {
  if (nativeInstalled(true) && gpuPresent()) return 'tensorflow-gpu';
  if (nativeInstalled(false)) return 'tensorflow';
  if (nativeInstalled(true)) return 'tensorflow-gpu';
  return 'wasm';
}

async function selectNative(gpu: boolean): Promise<SelectedBackend> {
  if (gpu) {
    const m = await import('@fish-tuning/backend-node-gpu');
    const info = await m.ready();
    return { name: info.backend, description: `${info.backend} (${info.package}, libtensorflow ${info.libtensorflow}, ${info.gpu ? 'CUDA GPU' : `CPU: ${m.deviceNote(info)}`})` };
  }
  const info = await (await import('@fish-tuning/backend-node')).ready();
  return { name: info.backend, description: `${info.backend} (libtensorflow ${info.libtensorflow}, CPU)` };
}

/** Selects `name` ('auto' by default), prints "backend: …" through `log` and returns what was selected. */
export async function selectBackend(name = 'auto', log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SelectedBackend> {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new FishTuningError(`unknown backend '${name}'; accepted: ${BACKENDS.join(', ')}`, { option: '--backend' });
  }
  await wasmReady();
  const wanted = name === 'auto' ? autoBackend() : (name as Exclude<BackendName, 'auto'>);
  let selected: SelectedBackend;
  if (wanted === 'tensorflow' || wanted === 'tensorflow-gpu') {
    try {
      selected = await selectNative(wanted === 'tensorflow-gpu');
    } catch (e) {
      if (name !== 'auto') throw new FishTuningError((e as Error).message, { option: '--backend' });
      log(`backend: the native backend did not load (${(e as Error).message.split('\n')[0]}); using wasm`);
      await tf.setBackend('wasm');
      selected = { name: 'wasm', description: 'wasm (SIMD, 1 thread)' };
    }
  } else {
    if (wanted === 'cpu') await cpuReady().catch(() => undefined);
    if (!(await tf.setBackend(wanted))) throw new FishTuningError(`backend '${wanted}' failed to initialise`, { option: '--backend' });
    selected = { name: wanted, description: wanted === 'wasm' ? `wasm (SIMD, 1 thread${name === 'auto' ? '; `fish-tune setup-native` installs the faster native backend' : ''})` : 'cpu (pure JavaScript)' };
  }
  await tf.ready();
  log(`backend: ${selected.description}`);
  return selected;
}

/** Default micro-batch token budget: wasm's heap is capped at 4 GiB; the others only need a memory bound. */
export function defaultMaxTokens(backend: SelectedBackend): number {
  return backend.name === 'wasm' ? 1024 : 16384;
}
