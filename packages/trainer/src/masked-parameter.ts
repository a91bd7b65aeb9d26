/**
 * Joins trainable variables with their FISH masks once, before training: validates each mask (known
 * name, same shape, 0/1 entries) and precomputes what the updates need — a boolean mask for the dense
 * path, and the flat indices of the selected entries for the sparse path.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';

/** A variable to optimise, optionally with a 0/1 mask of the same shape (1 = may move). */
export interface OptimizedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
}

export interface MaskedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
  /** Float 0/1 mask; null when every entry trains, or when only `indices` are kept (sparse state). */
  readonly mask: tf.Tensor | null;
  /** Boolean view of `mask` (for tf.where); null like `mask`. */
  readonly keep: tf.Tensor | null;
  /** Flat indices of the selected entries, int32 [k] (null when unmasked). */
  readonly indices: tf.Tensor1D | null;
  /** The same as [k, 1] for tensorScatterUpdate. */
  readonly scatterIndices: tf.Tensor2D | null;
  /** Number of entries that may move. */
  readonly k: number;
}

/**
 * Pairs parameters with masks (a mask for a name that is not trained is an error, as is a shape
 * mismatch or an entry other than 0/1). A mask selecting every entry is treated as no mask.
 * With `indicesOnly` (sparse optimizer state) only the selected indices are kept on the device, not
 * the full-size float and boolean masks, so masked training holds O(k) extra memory, not O(size).
 */
export function maskParameters(params: readonly OptimizedParameter[], masks?: ReadonlyMap<string, tf.Tensor> | null, indicesOnly = false): MaskedParameter[] {
  const byName = new Set(params.map((p) => p.name));
  for (const name of masks?.keys() ?? []) {
    if (!byName.has(name)) throw new FishTuningError('mask names a tensor that is not being trained', { tensor: name });
  }
  return params.map((p) => {
    const m = masks?.get(p.name);
    if (!m) return { name: p.name, variable: p.variable, mask: null, keep: null, indices: null, scatterIndices: null, k: p.variable.size };
    if (m.shape.length !== p.variable.shape.length || m.shape.some((d, i) => d !== p.variable.shape[i])) {
      throw new FishTuningError(`mask shape ${JSON.stringify(m.shape)} does not match the parameter's ${JSON.stringify(p.variable.shape)}`, { tensor: p.name });
    }
    const values = m.dataSync();
    const selected: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === 1) selected.push(i);
      else if (v !== 0) throw new FishTuningError(`mask entry ${i} is ${v}; masks hold only 0 and 1`, { tensor: p.name });
    }
    if (selected.length === values.length) {
      return { name: p.name, variable: p.variable, mask: null, keep: null, indices: null, scatterIndices: null, k: values.length };
    }
    const indices = tf.tensor1d(selected, 'int32');
    return {
      name: p.name,
      variable: p.variable,
      mask: indicesOnly ? null : tf.tidy(() => tf.cast(m, 'float32')),
      keep: indicesOnly ? null : tf.tidy(() => tf.cast(m, 'bool')),
      indices,
      scatterIndices: tf.tidy(() => tf.reshape(indices, [selected.length, 1]) as tf.Tensor2D),
      k: selected.length,
    };
  });
}

export function disposeMaskedParameters(params: readonly MaskedParameter[]): void {
  for (const p of params) {
    p.mask?.dispose();
    p.keep?.dispose();
    p.indices?.dispose();
    p.scatterIndices?.dispose();
  }
}
