/**
 * @module @fish-tuning/backend-auto/select — the fastest installed backend, without side effects on import:
 * native TensorFlow with CUDA (`tensorflow-gpu`, when a GPU is present), native TensorFlow on the CPU
 * (`tensorflow`), then wasm. Installed means the addon is built (`fish-tune setup-native [--gpu]`); nothing
 * is loaded to find out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { ready as wasmReady } from '@fish-tuning/backend-wasm';
import { findTfjsNodePackage, isSetUp } from '@fish-tuning/backend-node/setup';
import type { NativeBackendInfo } from '@fish-tuning/backend-node/load-native';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** What runs, as tfjs names it, and a line for the user. */
export interface SelectedBackend {
  /** tfjs' backend name: 'tensorflow' | 'wasm' | 'cpu'. */
  name: string;
  /** e.g. "tensorflow (libtensorflow 2.21.0, CPU)". */
  description: string;
  /** Set for the native backends. */
  native?: NativeBackendInfo;
}

/** Whether tfjs-node's (or tfjs-node-gpu's) addon is built where this package resolves it. */
export function nativeInstalled(gpu: boolean): boolean {
  try {
    const from = gpu ? path.dirname(createRequire(import.meta.url).resolve('@fish-tuning/backend-node-gpu/package.json')) : undefined;
    const dir = findTfjsNodePackage(gpu, from);
    return dir !== null && isSetUp(dir);
  } catch {
    return false;
  }
}

/** A CUDA device node exists (without one the GPU package runs on the CPU). */
const gpuPresent = () => fs.existsSync('/dev/nvidiactl');

/** tensorflow GPU > tensorflow CPU > wasm (the GPU package without a GPU still beats wasm when the CPU one is absent). */
export function fastestInstalled(): Exclude<BackendChoice, 'auto' | 'cpu'> {
  if (nativeInstalled(true) && gpuPresent()) return 'tensorflow-gpu';
  if (nativeInstalled(false)) return 'tensorflow';
  if (nativeInstalled(true)) return 'tensorflow-gpu';
  return 'wasm';
}

async function selectNative(gpu: boolean): Promise<SelectedBackend> {
  if (gpu) {
    const m = await import('@fish-tuning/backend-node-gpu');
    const info = await m.ready();
    return { name: info.backend, native: info, description: `${info.backend} (${info.package}, libtensorflow ${info.libtensorflow}, ${info.gpu ? 'CUDA GPU' : `CPU: ${m.deviceNote(info)}`})` };
  }
  const info = await (await import('@fish-tuning/backend-node')).ready();
  return { name: info.backend, native: info, description: `${info.backend} (libtensorflow ${info.libtensorflow}, CPU)` };
}

/**
 * Selects `choice` ('auto': {@link fastestInstalled}). With 'auto', a native backend that is built but fails to
 * load falls back to wasm, and `onFallback` hears why; an explicit choice that fails rejects.
 */
export async function selectBackend(choice: BackendChoice = 'auto', onFallback: (why: string) => void = () => undefined): Promise<SelectedBackend> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) throw new Error(`unknown backend '${choice}'; accepted: ${BACKEND_CHOICES.join(', ')}`);
  await wasmReady();
  const wanted = choice === 'auto' ? fastestInstalled() : choice;
  let selected: SelectedBackend;
  if (wanted === 'tensorflow' || wanted === 'tensorflow-gpu') {
    try {
      selected = await selectNative(wanted === 'tensorflow-gpu');
    } catch (e) {
      if (choice !== 'auto') throw e;
      onFallback(`the native backend did not load (${(e as Error).message.split('\n')[0]}); using wasm`);
      await tf.setBackend('wasm');
      selected = { name: 'wasm', description: 'wasm (SIMD, 1 thread)' };
    }
  } else {
    if (wanted === 'cpu') await (await import('@fish-tuning/backend-cpu')).ready().catch(() => undefined);
    if (!(await tf.setBackend(wanted))) throw new Error(`backend '${wanted}' failed to initialise`);
    selected = { name: wanted, description: wanted === 'wasm' ? `wasm (SIMD, 1 thread${choice === 'auto' ? '; `fish-tune setup-native` installs the faster native backend' : ''})` : 'cpu (pure JavaScript)' };
  }
  await tf.ready();
  return selected;
}

/** Default micro-batch token budget: wasm's heap is capped at 4 GiB; the others only need a memory bound. */
export function defaultMaxTokens(backend: Pick<SelectedBackend, 'name'>): number {
  return backend.name === 'wasm' ? 1024 : 16384;
}
