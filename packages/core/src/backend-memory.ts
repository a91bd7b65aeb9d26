/**
 * How much memory the active tfjs backend can give a computation, and recognising the errors a
 * backend throws when it runs out. The wasm backend's heap is a 32-bit WebAssembly memory (at most
 * 4 GiB, never shrinking); when an allocation does not fit it aborts with "memory access out of
 * bounds" or "Aborted()", which tells a user nothing. Callers size their work from the budget here
 * and turn such aborts into an error that names the option to lower.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from './errors.js';

const GiB = 1024 ** 3;

/** Hard cap of a backend's tensor memory in bytes (wasm: 4 GiB), or null when only the host limits it. */
export function backendMemoryCap(backend = tf.getBackend()): number | null {
  return backend === 'wasm' ? 4 * GiB : null;
}

/**
 * Bytes a computation may use on the active backend: half of what is left under the cap (the wasm
 * heap fragments, so the other half is headroom), or `uncapped` bytes on a backend without a cap.
 */
export function backendMemoryBudget(options: { uncapped?: number } = {}): number {
  const cap = backendMemoryCap();
  if (cap === null) return options.uncapped ?? 2 * GiB;
  return Math.max(0, (cap - tf.memory().numBytes) / 2);
}

const OUT_OF_MEMORY = [/memory access out of bounds/i, /Aborted\(/, /out of memory/i, /Cannot enlarge memory/i, /Array buffer allocation failed/i, /Invalid typed array length/i, /allocation failed/i];

/** True for the errors backends throw when an allocation does not fit (wasm aborts, V8 allocation failures). */
export function isBackendOutOfMemory(e: unknown): boolean {
  if (e instanceof FishTuningError) return false;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return OUT_OF_MEMORY.some((re) => re.test(text));
}

/**
 * Rethrows an out-of-memory error from the backend as a FishTuningError that says what was being
 * done and which option to lower; other errors pass through unchanged.
 */
export function explainOutOfMemory(e: unknown, what: string, advice: string, option?: string): unknown {
  if (!isBackendOutOfMemory(e)) return e;
  const backend = tf.getBackend();
  const cap = backendMemoryCap(backend);
  const raw = e instanceof Error ? e.message : String(e);
  return new FishTuningError(
    `the ${backend} backend ran out of memory ${what}${cap ? ` (its heap is capped at ${cap / GiB} GiB)` : ''}: ${advice} [backend said: ${raw.split('\n')[0]}]`,
    option ? { option } : {},
  );
}
