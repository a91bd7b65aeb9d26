/**
 * Fisher scores arrive as tfjs tensors (packages/fisher) and selection works on plain arrays: this is
 * the one bridge, asynchronous so that it works on every backend (WebGPU cannot read synchronously).
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedArray, ScoreMap } from './types.js';

export async function scoresFromTensors(tensors: ReadonlyMap<string, tf.Tensor>): Promise<ScoreMap> {
  const out = new Map<string, NamedArray<Float32Array>>();
  for (const [name, t] of tensors) {
    const data = await t.data();
    out.set(name, { shape: [...t.shape], data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>) });
  }
  return out;
}
