/** @module @fish-tuning/mask/node — mask files on disk (atomic writes, errors naming the file). */
import { FishTuningError } from '@fish-tuning/core';
import { readSafetensorsFile, writeFileAtomic } from '@fish-tuning/core/node';
import { maskFromDecoded, maskToBytes } from './format.js';
import type { Mask, NamedArray } from './types.js';

export async function saveMask(file: string, mask: Mask): Promise<void> {
  await writeFileAtomic(file, maskToBytes(mask));
}

export async function loadMask(file: string): Promise<Mask> {
  const { tensors, metadata } = await readSafetensorsFile(file);
  return maskFromDecoded(tensors, metadata, file);
}

/** Reads F32 scores (e.g. a Fisher file) as a ScoreMap. */
export async function loadScores(file: string): Promise<{ scores: Map<string, NamedArray<Float32Array>>; metadata: Record<string, string> }> {
  const { tensors, metadata } = await readSafetensorsFile(file);
  const scores = new Map<string, NamedArray<Float32Array>>();
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) {
      throw new FishTuningError(`scores must be float, got ${t.dtype}`, { file, tensor: name });
    }
    scores.set(name, { shape: t.shape, data: t.data });
  }
  return { scores, metadata };
}
