/**
 * Pads a batch of encoded examples to a common length with core's one padding routine: input ids with
 * the pad id, attention mask and token types with 0, causal-LM labels with -100, on the right.
 * @module
 */
import { padRows, type Example, type PaddedRows } from '@fish-tuning/core';

/** Anything core can pad: encoder and decoder features both are. */
export type PaddableFeatures = Example;

/** Rows padded to one length (`labels`: token rows of decoder features; `rowLabels`: the labels of encoder features). */
export type PaddedBatch = PaddedRows;

export interface PadBatchOptions {
  padId: number;
  /** Pad to this length instead of the longest item (must be at least the longest). */
  padTo?: number;
}

/** Pads `items` to the longest item (or `padTo`). */
export function padBatch(items: readonly PaddableFeatures[], options: PadBatchOptions): PaddedBatch {
  return padRows(items, { padTokenId: options.padId, ...(options.padTo !== undefined ? { padTo: options.padTo } : {}) });
}
