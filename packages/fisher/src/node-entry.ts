/** @module @fish-tuning/fisher/node — Fisher files on disk (atomic writes, errors naming the file). */
import { readSafetensorsFile, writeFileAtomic } from '@fish-tuning/core/node';
import type { FisherResult } from './compute.js';
import { fisherFromDecoded, fisherToBytes, type FisherScores } from './format.js';

/** Writes `result` to `file` (safetensors, F32, PEFT names) atomically. */
export async function saveFisher(file: string, result: FisherResult, extraMetadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(file, await fisherToBytes(result, extraMetadata));
}

/** Reads a Fisher file written by {@link saveFisher} (or any F32 safetensors of scores). */
export async function loadFisher(file: string): Promise<FisherScores> {
  const { tensors, metadata } = await readSafetensorsFile(file);
  return fisherFromDecoded(tensors, metadata, file);
}
