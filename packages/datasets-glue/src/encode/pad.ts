/**
 * Pads a batch of encoded examples to a common length: input ids with the pad id, attention mask
 * and token types with 0, causal-LM labels with -100. Padding goes on the right.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { IGNORE_INDEX } from './decoder.js';

export interface PaddableFeatures {
  inputIds: readonly number[];
  attentionMask: readonly number[];
  tokenTypeIds?: readonly number[];
  labels?: readonly number[];
}

export interface PaddedBatch {
  inputIds: number[][];
  attentionMask: number[][];
  /** Present when every item has token type ids. */
  tokenTypeIds?: number[][];
  /** Present when every item has token labels (decoder features). */
  labels?: number[][];
  /** Length of every row. */
  length: number;
}

export interface PadBatchOptions {
  padId: number;
  /** Pad to this length instead of the longest item (must be at least the longest). */
  padTo?: number;
}

function padRow(row: readonly number[], length: number, value: number): number[] {
  const out = row.slice();
  while (out.length < length) out.push(value);
  return out;
}

/** Pads `items` to the longest item (or `padTo`). */
export function padBatch(items: readonly PaddableFeatures[], options: PadBatchOptions): PaddedBatch {
  const longest = items.reduce((m, it) => Math.max(m, it.inputIds.length), 0);
  const length = options.padTo ?? longest;
  if (length < longest) {
    throw new FishTuningError(`padTo ${length} is shorter than the longest item (${longest})`, { option: 'padTo' });
  }
  const batch: PaddedBatch = {
    inputIds: items.map((it) => padRow(it.inputIds, length, options.padId)),
    attentionMask: items.map((it) => padRow(it.attentionMask, length, 0)),
    length,
  };
  if (items.length > 0 && items.every((it) => it.tokenTypeIds)) {
    batch.tokenTypeIds = items.map((it) => padRow(it.tokenTypeIds as number[], length, 0));
  }
  if (items.length > 0 && items.every((it) => it.labels)) {
    batch.labels = items.map((it) => padRow(it.labels as number[], length, IGNORE_INDEX));
  }
  return batch;
}
