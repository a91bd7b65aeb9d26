/**
 * The Fisher file: safetensors, one F32 tensor per trainable parameter keyed by its PEFT name and with
 * its shape, plus string metadata (N, estimator, seed, order, method). Browser-safe (bytes in, bytes out).
 * @module
 */
import { FishTuningError, readSafetensorsBytes, toWritable, writeSafetensorsBytes, type DecodedTensor } from '@fish-tuning/core';
import type { FisherResult } from './compute.js';

/** `__metadata__` of a Fisher file. All values are strings (safetensors' rule). */
export interface FisherMetadata {
  fish_kind: 'fisher';
  samples: string;
  estimator: string;
  seed: string;
  order: string;
  method: string;
  [key: string]: string;
}

export function fisherMetadata(result: FisherResult, extra: Record<string, string> = {}): FisherMetadata {
  return {
    format: 'pt',
    ...extra,
    fish_kind: 'fisher',
    samples: String(result.samples),
    estimator: result.estimator,
    seed: String(result.seed),
    order: result.order,
    method: result.method,
  };
}

/** Serialises a Fisher result (reads the tensors back asynchronously, so any backend works). */
export async function fisherToBytes(result: FisherResult, extra: Record<string, string> = {}): Promise<Uint8Array> {
  return writeSafetensorsBytes(await toWritable(result.scores, 'F32'), fisherMetadata(result, extra));
}

/** Fisher scores read back from a file: name → {shape, data (Float32Array)}. */
export interface FisherScores {
  scores: Map<string, { shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
}

/** Checks decoded tensors are float and turns them into scores; `file` is named in errors. */
export function fisherFromDecoded(tensors: Map<string, DecodedTensor>, metadata: Record<string, string>, file = '<bytes>'): FisherScores {
  const scores = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) throw new FishTuningError(`Fisher scores must be float, got ${t.dtype}`, { file, tensor: name });
    scores.set(name, { shape: t.shape, data: t.data });
  }
  if (scores.size === 0) throw new FishTuningError('the Fisher file holds no tensors', { file });
  return { scores, metadata };
}

export function fisherFromBytes(bytes: Uint8Array, file = '<bytes>'): FisherScores {
  const { tensors, metadata } = readSafetensorsBytes(bytes, file);
  return fisherFromDecoded(tensors, metadata, file);
}
