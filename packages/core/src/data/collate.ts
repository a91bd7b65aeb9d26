/**
 * Tokenized examples → a {@link ModelBatch} (tensors), through the one padding routine.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelBatch, ModelTask } from '../model.js';
import type { Example } from './example.js';
import { padExamples, type PadOptions } from './pad.js';

/**
 * Pads and stacks `examples` into a batch for `task` (int32 ids/mask/types; labels int32 [b, t] for a
 * causal LM, int32 [b] for classification, float32 [b] for regression). The caller disposes the tensors
 * ({@link disposeBatch}).
 */
export function collate(examples: readonly Example[], task: ModelTask, options: Omit<PadOptions, 'task'> = {}): ModelBatch {
  const p = padExamples(examples, { ...options, task });
  const shape: [number, number] = [p.batch, p.length];
  const batch: ModelBatch = {
    inputIds: tf.tensor2d(p.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(p.attentionMask, shape, 'int32'),
  };
  if (p.tokenTypeIds) batch.tokenTypeIds = tf.tensor2d(p.tokenTypeIds, shape, 'int32');
  if (p.labelKind === 'tokens') batch.labels = tf.tensor2d(p.labels as Int32Array, shape, 'int32');
  else if (p.labelKind === 'class') batch.labels = tf.tensor1d(p.labels as Int32Array, 'int32');
  else if (p.labelKind === 'score') batch.labels = tf.tensor1d(p.labels as Float32Array, 'float32');
  return batch;
}

/** Disposes every tensor of a batch. */
export function disposeBatch(batch: ModelBatch): void {
  tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds, batch.labels].filter((t): t is tf.Tensor => t !== undefined));
}

/** Row `i` of a batch as a batch of one (same padding), for per-sample loops. */
export function sliceBatch(batch: ModelBatch, i: number): ModelBatch {
  const row = <T extends tf.Tensor>(x: T): T => tf.slice(x, [i, ...new Array(x.rank - 1).fill(0)], [1, ...x.shape.slice(1)]) as T;
  return {
    inputIds: row(batch.inputIds),
    ...(batch.attentionMask ? { attentionMask: row(batch.attentionMask) } : {}),
    ...(batch.tokenTypeIds ? { tokenTypeIds: row(batch.tokenTypeIds) } : {}),
    ...(batch.labels ? { labels: row(batch.labels) } : {}),
  };
}
