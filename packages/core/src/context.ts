/**
 * What a forward pass needs to know besides its inputs: training mode and a seeded source of dropout seeds.
 * Passed in explicitly (never global) so that runs are reproducible and resumable.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ForwardContext {
  /** Dropout active when true. */
  training: boolean;
  /** Uniform [0, 1) numbers for dropout seeds; required when training with dropout > 0. */
  random?: () => number;
}

export const EVAL_CONTEXT: ForwardContext = Object.freeze({ training: false });

/** Inverted dropout with a seed drawn from the context, or the identity when not training. */
export function dropout(x: tf.Tensor, rate: number, ctx?: ForwardContext): tf.Tensor {
  if (!ctx?.training || rate <= 0) return x;
  if (!ctx.random) throw new Error('dropout: a training ForwardContext needs a random() source');
  return tf.dropout(x, rate, undefined, Math.floor(ctx.random() * 2 ** 31));
}
