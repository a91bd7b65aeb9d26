/**
 * Where Fisher samples come from: anything that can build a {@link ModelBatch} for a list of row
 * indices. {@link exampleData} covers pre-tokenized examples (HF `input_ids` / `labels` convention),
 * right-padded per chunk so that a chunk costs only its own longest row.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type ModelBatch, type ModelTask } from '@fish-tuning/core';

/** A data set Fisher can draw from: `size` rows, any subset of which can be collated into one batch. */
export interface FisherData {
  readonly size: number;
  /** A batch of the rows `indices` (in that order). The caller disposes its tensors. */
  batch(indices: readonly number[]): ModelBatch;
}

/** One pre-tokenized example. `labels` is a token array (causal LM, -100 ignored) or one number. */
export interface TokenizedExample {
  inputIds: readonly number[];
  attentionMask?: readonly number[];
  tokenTypeIds?: readonly number[];
  labels: readonly number[] | number;
}

export interface ExampleDataOptions {
  /** Decides the label dtype: float32 for 'regression', int32 otherwise. */
  task: ModelTask;
  /** Token id written into padded positions (masked out by attention_mask). Default 0. */
  padTokenId?: number;
}

/** Label value written into padded positions of a causal-LM label row (ignored by the loss). */
export const IGNORE_LABEL = -100;

/** {@link FisherData} over in-memory tokenized examples; rows are right-padded to the chunk's longest. */
export function exampleData(examples: readonly TokenizedExample[], options: ExampleDataOptions): FisherData {
  const pad = options.padTokenId ?? 0;
  return {
    size: examples.length,
    batch(indices) {
      if (indices.length === 0) throw new FishTuningError('cannot build an empty batch', { option: 'indices' });
      const rows = indices.map((i) => {
        const ex = examples[i];
        if (!ex) throw new FishTuningError(`row ${i} does not exist (data has ${examples.length} rows)`, { option: 'indices' });
        return ex;
      });
      const t = Math.max(...rows.map((r) => r.inputIds.length));
      const b = rows.length;
      const ids = new Int32Array(b * t).fill(pad);
      const mask = new Int32Array(b * t);
      const types = rows.some((r) => r.tokenTypeIds) ? new Int32Array(b * t) : null;
      rows.forEach((r, i) => {
        for (let j = 0; j < r.inputIds.length; j++) {
          ids[i * t + j] = r.inputIds[j];
          mask[i * t + j] = r.attentionMask ? r.attentionMask[j] : 1;
          if (types && r.tokenTypeIds) types[i * t + j] = r.tokenTypeIds[j];
        }
      });
      const tokenLabels = rows.every((r) => Array.isArray(r.labels));
      const scalarLabels = rows.every((r) => typeof r.labels === 'number');
      if (!tokenLabels && !scalarLabels) throw new FishTuningError('rows mix token labels and scalar labels', { option: 'labels' });
      let labels: tf.Tensor;
      if (tokenLabels) {
        const lab = new Int32Array(b * t).fill(IGNORE_LABEL);
        rows.forEach((r, i) => (r.labels as readonly number[]).forEach((v, j) => (lab[i * t + j] = v)));
        labels = tf.tensor2d(lab, [b, t], 'int32');
      } else {
        const values = rows.map((r) => r.labels as number);
        labels = options.task === 'regression' ? tf.tensor1d(values, 'float32') : tf.tensor1d(values, 'int32');
      }
      return {
        inputIds: tf.tensor2d(ids, [b, t], 'int32'),
        attentionMask: tf.tensor2d(mask, [b, t], 'int32'),
        ...(types ? { tokenTypeIds: tf.tensor2d(types, [b, t], 'int32') } : {}),
        labels,
      };
    },
  };
}

/** Rows `i` of a batch as a batch of one (same padding), for the per-sample loop. */
export function sliceBatch(batch: ModelBatch, i: number): ModelBatch {
  const row = <T extends tf.Tensor>(x: T): T => tf.slice(x, [i, ...new Array(x.rank - 1).fill(0)], [1, ...x.shape.slice(1)]) as T;
  return {
    inputIds: row(batch.inputIds),
    ...(batch.attentionMask ? { attentionMask: row(batch.attentionMask) } : {}),
    ...(batch.tokenTypeIds ? { tokenTypeIds: row(batch.tokenTypeIds) } : {}),
    ...(batch.labels ? { labels: row(batch.labels) } : {}),
  };
}

/** Disposes every tensor of a batch. */
export function disposeBatch(batch: ModelBatch): void {
  tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds, batch.labels].filter((t): t is tf.Tensor => t !== undefined));
}
