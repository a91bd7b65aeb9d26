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

/**
 * Reads F32 scores (e.g. a Fisher file) as a ScoreMap. With `kind`, the file's `fish_kind` metadata
 * must equal it (checked from the header, before any tensor is read): an adapter, a mask or a model
 * file passed where a Fisher file belongs is refused instead of being ranked as if it were scores.
 */
export async function loadScores(file: string, options: { kind?: string } = {}): Promise<{ scores: Map<string, NamedArray<Float32Array>>; metadata: Record<string, string> }> {
  const { tensors, metadata } = await readSafetensorsFile(file);
  if (options.kind !== undefined && metadata.fish_kind !== options.kind) {
    const what = metadata.fish_kind ? `fish_kind '${metadata.fish_kind}'` : metadata.format ? `format '${metadata.format}' and no fish_kind` : 'no fish_kind metadata';
    throw new FishTuningError(`not a ${options.kind} file (its metadata has ${what}; expected fish_kind '${options.kind}', as written by \`fish-tune ${options.kind}\`)`, { file });
  }
  const scores = new Map<string, NamedArray<Float32Array>>();
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) {
      throw new FishTuningError(`scores must be float, got ${t.dtype}`, { file, tensor: name });
    }
    scores.set(name, { shape: t.shape, data: t.data });
  }
  return { scores, metadata };
}
