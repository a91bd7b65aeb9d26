/**
 * computeFisher: the diagonal Fisher information of any named trainable parameters (the core
 * contract's TrainableParameter list, so every PEFT method and model), estimated from N samples.
 *
 * Per-sample by construction: each sample's gradient is squared before averaging. Squaring the
 * gradient of a batch mean would estimate a different (wrong) quantity.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendMemoryBudget, disposeBatch, explainOutOfMemory, FishTuningError, isBackendOutOfMemory, sliceBatch, type PeftTargetModel, type TrainableParameter } from '@fish-tuning/core';
import type { FisherData } from './data.js';
import { chooseSamples, defaultSampleCount, type SampleOrder } from './sampling.js';
import { disposeTerms, fisherTerms, type FisherEstimator } from './estimators.js';
import { batchGradients, nonFiniteTable, perSampleGradients, weightedSquareSum } from './gradients.js';

/** vectorised: one batched backward pass per chunk; loop: one pass per sample; auto: vectorised, loop if that throws. */
export type FisherMethod = 'vectorised' | 'loop' | 'auto';

export interface FisherProgress {
  /** Samples done so far. */
  done: number;
  total: number;
}

export interface ComputeFisherOptions {
  /** N. Default: the paper's 128 (classification, regression) or 256 (causal LM). */
  samples?: number;
  estimator?: FisherEstimator;
  /** Which rows: seeded random draw (default) or the first N in file order. */
  order?: SampleOrder;
  seed?: number;
  /** Explicit row indices (overrides samples/order/seed for the choice of rows). */
  indices?: readonly number[];
  method?: FisherMethod;
  /**
   * Samples per batched backward pass. Default: sized from a probe (one backward pass on the longest
   * chosen row, its peak tensor memory measured) to fit the backend's memory budget, at most 32.
   */
  chunkSize?: number;
  /** Bytes a chunk may use; default: core's backendMemoryBudget() (half of what the wasm heap has left). */
  memoryBudget?: number;
  onProgress?: (p: FisherProgress) => void;
}

export interface FisherResult {
  /** PEFT name → f32 Fisher scores with the parameter's shape. */
  readonly scores: Map<string, tf.Tensor>;
  readonly samples: number;
  readonly estimator: FisherEstimator;
  readonly order: SampleOrder | 'explicit';
  readonly seed: number;
  /** The data rows used, in processing order. */
  readonly indices: readonly number[];
  /** The method actually used (auto resolves to one of the two). */
  readonly method: 'vectorised' | 'loop';
  /** Samples per backward pass actually used (given, or sized from the measured memory of one sample). */
  readonly chunkSize: number;
  /** Frees the score tensors; returns how many were freed. */
  dispose(): number;
}

const PER_CHUNK_BYTES = 256 * 1024 * 1024;
const MAX_AUTO_CHUNK = 32;

/** Upper bound from the per-sample gradients alone (tile, grad, square, sum of every parameter). */
function gradientChunkBound(params: readonly TrainableParameter[], n: number): number {
  const perSample = params.reduce((s, p) => s + p.variable.size, 0) * 4 * 4;
  return Math.max(1, Math.min(n, MAX_AUTO_CHUNK, Math.floor(PER_CHUNK_BYTES / Math.max(perSample, 1))));
}

/** Padded length of each chosen row (a batch of one per row; cheap next to a backward pass). */
function rowLengths(data: FisherData, indices: readonly number[]): number[] {
  return indices.map((i) => {
    const b = data.batch([i]);
    const t = b.inputIds.shape[b.inputIds.rank - 1] ?? 1;
    disposeBatch(b);
    return t;
  });
}

/**
 * Chunk size from measured memory: one backward pass on the longest chosen row (into a throwaway sum,
 * so the result does not depend on the probe) gives the peak tensor bytes of one sample at the
 * longest length; the chunk is the budget over that, capped by {@link gradientChunkBound}. A chunk
 * pads to its own longest row, so no chunk needs more per sample than the probe did.
 */
async function measuredChunkSize(
  model: PeftTargetModel,
  params: readonly TrainableParameter[],
  data: FisherData,
  indices: readonly number[],
  estimator: FisherEstimator,
  method: 'vectorised' | 'loop',
  budget: number,
): Promise<number> {
  const bound = gradientChunkBound(params, indices.length);
  if (bound === 1 || method === 'loop') return bound;
  const lengths = rowLengths(data, indices);
  const longest = indices[lengths.indexOf(Math.max(...lengths))];
  const scratch = params.map((p) => tf.zeros(p.variable.shape));
  const before = tf.memory().numBytes;
  try {
    const info = await tf.profile(async () => {
      await accumulateChunk(model, params, data, [longest], estimator, method, scratch, () => undefined);
    });
    const peak = info.kernels.length ? info.peakBytes - before : 0;
    return Math.max(1, Math.min(bound, Math.floor(budget / Math.max(peak, 1))));
  } finally {
    tf.dispose(scratch);
  }
}

/** Throws naming the tensor and the data row when the [vars, b] table holds a non-finite entry. */
async function checkFinite(table: tf.Tensor2D, params: readonly TrainableParameter[], rows: readonly number[]): Promise<void> {
  const data = await table.data();
  table.dispose();
  const b = rows.length;
  for (let i = 0; i < b; i++) {
    for (let v = 0; v < params.length; v++) {
      if (!Number.isFinite(data[v * b + i])) {
        throw new FishTuningError(`gradient is NaN or Inf for sample ${rows[i]} (data row)`, { tensor: params[v].name });
      }
    }
  }
}

/**
 * Σ over `rows` of weighted squared per-sample gradients, added into `acc` (one tensor per param).
 * Vectorised: one backward pass per estimator term for the whole chunk.
 */
async function accumulateChunk(
  model: PeftTargetModel,
  params: readonly TrainableParameter[],
  data: FisherData,
  rows: readonly number[],
  estimator: FisherEstimator,
  method: 'vectorised' | 'loop',
  acc: tf.Tensor[],
  onSample: () => void,
): Promise<void> {
  const vars = params.map((p) => p.variable);
  const batch = data.batch(rows);
  try {
    const parts = method === 'vectorised' ? [rows] : rows.map((r) => [r]);
    for (let p = 0; p < parts.length; p++) {
      // The loop slices one row at a time (same padding as the chunk), created lazily so an error frees everything.
      const part = { rows: parts[p], batch: method === 'vectorised' ? batch : sliceBatch(batch, p) };
      const terms = fisherTerms(model, part.batch, estimator);
      try {
        for (const term of terms) {
          const grads =
            method === 'vectorised'
              ? perSampleGradients(vars, part.rows.length, term.loss)
              : batchGradients(vars, term.loss).map((g) => {
                  const g1 = tf.expandDims(g, 0);
                  g.dispose();
                  return g1;
                });
          try {
            await checkFinite(nonFiniteTable(grads), params, part.rows);
            for (let j = 0; j < acc.length; j++) {
              const next = tf.tidy(() => tf.add(acc[j], weightedSquareSum(grads[j], term.weights)));
              acc[j].dispose();
              acc[j] = next;
            }
          } finally {
            tf.dispose(grads);
          }
        }
      } finally {
        disposeTerms(terms);
        if (part.batch !== batch) disposeBatch(part.batch);
      }
      if (method === 'loop') onSample();
    }
    if (method === 'vectorised') rows.forEach(() => onSample());
  } finally {
    disposeBatch(batch);
  }
}

/**
 * Diagonal Fisher of `params` under `model` on N rows of `data`:
 * F = 1/N Σ_i (∇ L_i)² (empirical) or 1/N Σ_i Σ_y p(y|x_i) (∇ log p(y|x_i))² (expected), where
 * L_i = model.perExampleLoss(batch)[i] in eval mode (no dropout). Deterministic for a seed.
 */
export async function computeFisher(
  model: PeftTargetModel,
  params: readonly TrainableParameter[],
  data: FisherData,
  options: ComputeFisherOptions = {},
): Promise<FisherResult> {
  if (params.length === 0) throw new FishTuningError('no trainable parameters to compute the Fisher of', { option: 'params' });
  const names = new Set<string>();
  for (const p of params) {
    if (names.has(p.name)) throw new FishTuningError('duplicate trainable parameter name', { tensor: p.name });
    names.add(p.name);
  }
  const estimator = options.estimator ?? 'empirical';
  const seed = options.seed ?? 0;
  let indices: number[];
  let order: SampleOrder | 'explicit';
  if (options.indices) {
    indices = [...options.indices];
    order = 'explicit';
    if (indices.length === 0) throw new FishTuningError('indices is empty', { option: 'indices' });
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= data.size) throw new FishTuningError(`row ${i} is outside the data (${data.size} rows)`, { option: 'indices' });
    }
  } else {
    order = options.order ?? 'random';
    indices = chooseSamples(data.size, options.samples ?? defaultSampleCount(model.task), order, seed);
  }
  const n = indices.length;
  if (options.chunkSize !== undefined && (!Number.isInteger(options.chunkSize) || options.chunkSize < 1)) {
    throw new FishTuningError(`chunkSize must be a positive integer, got ${options.chunkSize}`, { option: 'chunkSize' });
  }
  const requested = options.method ?? 'auto';
  if (!['vectorised', 'loop', 'auto'].includes(requested)) {
    throw new FishTuningError(`unknown method '${requested}'; accepted: vectorised, loop, auto`, { option: 'method' });
  }
  let method: 'vectorised' | 'loop' = requested === 'loop' ? 'loop' : 'vectorised';
  let chunkSize = options.chunkSize ?? 1;
  const outOfMemory = (e: unknown) =>
    explainOutOfMemory(
      e,
      `computing per-sample gradients of ${chunkSize} sample(s) at once`,
      `pass a smaller chunkSize (CLI: --chunk-size${chunkSize > 1 ? `, e.g. ${Math.max(1, Math.floor(chunkSize / 4))}` : ''}) or use shorter rows`,
      'chunkSize',
    );
  if (options.chunkSize === undefined) {
    try {
      chunkSize = await measuredChunkSize(model, params, data, indices, estimator, method, options.memoryBudget ?? backendMemoryBudget());
    } catch (e) {
      // A layer that rejects per-sample shapes fails the probe as it would fail the first chunk: let auto fall back.
      if (requested === 'auto' && !(e instanceof FishTuningError) && !isBackendOutOfMemory(e)) {
        method = 'loop';
        chunkSize = gradientChunkBound(params, n);
      } else throw outOfMemory(e);
    }
  }

  const acc = params.map((p) => tf.zeros(p.variable.shape));
  let done = 0;
  const onSample = () => {
    done++;
    options.onProgress?.({ done, total: n });
  };
  try {
    for (let start = 0; start < n; start += chunkSize) {
      const rows = indices.slice(start, start + chunkSize);
      try {
        await accumulateChunk(model, params, data, rows, estimator, method, acc, onSample);
      } catch (e) {
        // auto: a layer that rejects per-sample parameter shapes falls back to the loop (first chunk only,
        // so that nothing is counted twice; FishTuningErrors such as NaN gradients are real and rethrown).
        if (requested !== 'auto' || method === 'loop' || start !== 0 || e instanceof FishTuningError || isBackendOutOfMemory(e)) throw e;
        method = 'loop';
        for (let j = 0; j < acc.length; j++) {
          acc[j].dispose();
          acc[j] = tf.zeros(params[j].variable.shape);
        }
        done = 0;
        await accumulateChunk(model, params, data, rows, estimator, method, acc, onSample);
      }
    }
  } catch (e) {
    tf.dispose(acc);
    throw outOfMemory(e);
  }
  const scores = new Map<string, tf.Tensor>();
  params.forEach((p, j) => {
    scores.set(p.name, tf.tidy(() => tf.div(acc[j], n)));
    acc[j].dispose();
  });
  return {
    scores,
    samples: n,
    estimator,
    order,
    seed,
    indices,
    method,
    chunkSize,
    dispose() {
      const count = scores.size;
      tf.dispose([...scores.values()]);
      scores.clear();
      return count;
    },
  };
}
