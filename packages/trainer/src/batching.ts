/**
 * From tokenized examples to model batches: a seeded epoch order (reproducible from the seed and the
 * epoch alone, so a resumed run needs to store only its position), right-padded collation in Hugging
 * Face conventions, and micro-batches that never exceed a token budget (the wasm heap is capped at 4 GiB).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, type ModelBatch, type ModelTask } from '@fish-tuning/core';

/** One tokenized example. `labels`: token ids ([t], -100 ignored) for causal LM, a class id or a float otherwise. */
export interface TrainExample {
  inputIds: readonly number[];
  labels?: readonly number[] | number;
  attentionMask?: readonly number[];
  tokenTypeIds?: readonly number[];
}

/** The order of example indices in `epoch` (0-based): a Fisher–Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number, shuffle = true): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  return new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).shuffle(order);
}

/** Real length of an example (its attention mask's ones, or all of inputIds). */
export function exampleLength(e: TrainExample): number {
  if (!e.attentionMask) return e.inputIds.length;
  let n = 0;
  for (const v of e.attentionMask) n += v ? 1 : 0;
  return n;
}

/**
 * Splits `examples` (kept in order) into consecutive groups whose padded size (count × longest) stays
 * within `maxTokens`. A single example longer than the budget goes alone (it cannot be split).
 */
export function microBatches<T extends TrainExample>(examples: readonly T[], maxTokens: number): T[][] {
  if (!(maxTokens > 0)) throw new FishTuningError(`token budget must be > 0, got ${maxTokens}`, { option: 'maxTokensPerMicroBatch' });
  const out: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  for (const e of examples) {
    const len = e.inputIds.length;
    const nextLongest = Math.max(longest, len);
    if (current.length > 0 && (current.length + 1) * nextLongest > maxTokens) {
      out.push(current);
      current = [];
      longest = 0;
    }
    current.push(e);
    longest = Math.max(longest, len);
  }
  if (current.length) out.push(current);
  return out;
}

/** Pads and stacks examples into a ModelBatch for `task` (tensors owned by the caller: {@link disposeBatch}). */
export function collate(examples: readonly TrainExample[], task: ModelTask, padTokenId = 0): ModelBatch {
  if (examples.length === 0) throw new FishTuningError('cannot collate an empty batch', { option: 'batchSize' });
  const b = examples.length;
  const t = Math.max(...examples.map((e) => e.inputIds.length));
  const ids = new Int32Array(b * t).fill(padTokenId);
  const mask = new Int32Array(b * t);
  const hasTypes = examples.some((e) => e.tokenTypeIds);
  const types = hasTypes ? new Int32Array(b * t) : null;
  examples.forEach((e, i) => {
    e.inputIds.forEach((v, j) => (ids[i * t + j] = v));
    e.inputIds.forEach((_, j) => (mask[i * t + j] = e.attentionMask ? e.attentionMask[j] : 1));
    e.tokenTypeIds?.forEach((v, j) => (types![i * t + j] = v));
  });
  const batch: ModelBatch = {
    inputIds: tf.tensor2d(ids, [b, t], 'int32'),
    attentionMask: tf.tensor2d(mask, [b, t], 'int32'),
  };
  if (types) batch.tokenTypeIds = tf.tensor2d(types, [b, t], 'int32');
  if (examples.every((e) => e.labels === undefined)) return batch;
  if (task === 'causal-lm') {
    const labels = new Int32Array(b * t).fill(-100);
    examples.forEach((e, i) => {
      if (!Array.isArray(e.labels)) throw new FishTuningError(`example ${i}: a causal LM needs token labels (an array), got ${JSON.stringify(e.labels)}`, { option: 'labels' });
      (e.labels as number[]).forEach((v, j) => (labels[i * t + j] = v));
    });
    batch.labels = tf.tensor2d(labels, [b, t], 'int32');
  } else {
    const values = examples.map((e, i) => {
      if (typeof e.labels !== 'number') throw new FishTuningError(`example ${i}: a ${task} model needs one number as label, got ${JSON.stringify(e.labels)}`, { option: 'labels' });
      return e.labels;
    });
    batch.labels = task === 'regression' ? tf.tensor1d(values, 'float32') : tf.tensor1d(values, 'int32');
  }
  return batch;
}

export function disposeBatch(batch: ModelBatch): void {
  batch.inputIds.dispose();
  batch.attentionMask?.dispose();
  batch.tokenTypeIds?.dispose();
  batch.labels?.dispose();
}
