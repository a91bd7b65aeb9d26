/**
 * The mask file: safetensors with one U8 (0/1) tensor per PEFT name and metadata (k, total, ratio,
 * selection, budget, seed, source Fisher file). Browser-safe bytes in, bytes out.
 * @module
 */
import { FishTuningError, readSafetensorsBytes, writeSafetensorsBytes, type DecodedTensor } from '@fish-tuning/core';
import { MASK_BUDGETS, MASK_SELECTIONS, type Mask, type MaskBudget, type MaskSelection, type NamedArray } from './types.js';

export function maskToBytes(mask: Mask): Uint8Array {
  const tensors = new Map([...mask.tensors].map(([name, t]) => [name, { shape: t.shape, data: t.data, dtype: 'U8' as const }]));
  return writeSafetensorsBytes(tensors, { format: 'pt', ...mask.metadata });
}

/** A mask from decoded tensors; every value must be 0 or 1, and metadata k must match the count. */
export function maskFromDecoded(decoded: Map<string, DecodedTensor>, metadata: Record<string, string>, file = '<bytes>'): Mask {
  const tensors = new Map<string, NamedArray<Uint8Array>>();
  let k = 0;
  let total = 0;
  for (const [name, t] of decoded) {
    if (!(t.data instanceof Uint8Array)) throw new FishTuningError(`mask tensors must be U8 or BOOL, got ${t.dtype}`, { file, tensor: name });
    for (let i = 0; i < t.data.length; i++) {
      const b = t.data[i];
      if (b > 1) throw new FishTuningError(`mask value ${b} at flat index ${i} is not 0 or 1`, { file, tensor: name });
      k += b;
    }
    total += t.data.length;
    tensors.set(name, { shape: t.shape, data: t.data });
  }
  if (tensors.size === 0) throw new FishTuningError('the mask file holds no tensors', { file });
  if (metadata.k !== undefined && Number(metadata.k) !== k) throw new FishTuningError(`metadata says k=${metadata.k} but ${k} entries are set`, { file });
  const selection = (MASK_SELECTIONS as readonly string[]).includes(metadata.selection) ? (metadata.selection as MaskSelection) : 'fish';
  const budget = (MASK_BUDGETS as readonly string[]).includes(metadata.budget) ? (metadata.budget as MaskBudget) : 'global';
  return { tensors, k, total, selection, budget, metadata };
}

export function maskFromBytes(bytes: Uint8Array, file = '<bytes>'): Mask {
  const { tensors, metadata } = readSafetensorsBytes(bytes, file);
  return maskFromDecoded(tensors, metadata, file);
}
