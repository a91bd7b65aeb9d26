/**
 * Where Fisher samples come from: anything that can build a {@link ModelBatch} for a list of row
 * indices. {@link exampleData} covers core's tokenized {@link Example}s, collated by core (right-padded
 * per chunk, so that a chunk costs only its own longest row).
 * @module
 */
import { FishTuningError, collate, type Example, type ModelBatch, type ModelTask } from '@fish-tuning/core';

/** A data set Fisher can draw from: `size` rows, any subset of which can be collated into one batch. */
export interface FisherData {
  readonly size: number;
  /** A batch of the rows `indices` (in that order). The caller disposes its tensors. */
  batch(indices: readonly number[]): ModelBatch;
}

export interface ExampleDataOptions {
  /** The model's task: token labels for 'causal-lm', float32 labels for 'regression', int32 class ids otherwise. */
  task: ModelTask;
  /** Token id written into padded positions (masked out by attention_mask). Default 0. */
  padTokenId?: number;
}

/** {@link FisherData} over in-memory tokenized examples; every example needs `labels` (Fisher is a gradient of the loss). */
export function exampleData(examples: readonly Example[], options: ExampleDataOptions): FisherData {
  examples.forEach((e, i) => {
    if (e.labels === undefined) throw new FishTuningError(`example ${i} has no labels; the Fisher needs the loss`, { option: 'labels' });
  });
  return {
    size: examples.length,
    batch(indices) {
      if (indices.length === 0) throw new FishTuningError('cannot build an empty batch', { option: 'indices' });
      const rows = indices.map((i) => {
        const ex = examples[i];
        if (!ex) throw new FishTuningError(`row ${i} does not exist (data has ${examples.length} rows)`, { option: 'indices' });
        return ex;
      });
      return collate(rows, options.task, { padTokenId: options.padTokenId ?? 0 });
    },
  };
}
