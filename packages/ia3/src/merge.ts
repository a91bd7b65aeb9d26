/**
 * Folding (IA)^3 vectors into the frozen base weight and back, as PEFT's `merge`/`unmerge`: the
 * output-scaling vector multiplies the weight's rows and the bias, the input-scaling vector the
 * weight's columns. Unmerging divides by l + 1e-8 (PEFT's guard), so it is exact only up to rounding.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Linear } from '@fish-tuning/core';
import type { Ia3Layer } from './layer.js';
import type { Ia3Adapter } from './inject.js';

function baseLinear(layer: Ia3Layer): Linear {
  if (!(layer.base_layer instanceof Linear)) {
    throw new FishTuningError(`cannot merge into a ${layer.base_layer.constructor.name}; only a plain Linear can be merged`, { tensor: layer.tensorName });
  }
  return layer.base_layer;
}

function rescale(layer: Ia3Layer, op: (w: tf.Tensor, s: tf.Tensor) => tf.Tensor): void {
  const base = baseLinear(layer);
  // kernel is [in, out]: input scaling acts on rows ([in, 1]), output scaling on columns ([1, out]).
  const kernel = tf.tidy(() => op(base.kernel, tf.reshape(layer.ia3_l, layer.isFeedforward ? [-1, 1] : [1, -1])) as tf.Tensor2D);
  const bias = base.bias && !layer.isFeedforward ? tf.tidy(() => op(base.bias!, tf.reshape(layer.ia3_l, [-1])) as tf.Tensor1D) : null;
  base.kernel.dispose();
  base.kernel = kernel;
  if (bias) {
    base.bias!.dispose();
    base.bias = bias;
  }
}

/** Folds the vector into the base layer; the layer then forwards through the base alone. */
export function mergeIa3Layer(layer: Ia3Layer): void {
  if (layer.merged) return;
  rescale(layer, (w, s) => tf.mul(w, s));
  layer.merged = true;
}

/** Undoes {@link mergeIa3Layer} (division by l + 1e-8, as PEFT). */
export function unmergeIa3Layer(layer: Ia3Layer): void {
  if (!layer.merged) return;
  rescale(layer, (w, s) => tf.div(w, tf.add(s, 1e-8)));
  layer.merged = false;
}

/** Folds every vector of the adapter into its base weight (inference speed; training must unmerge first). */
export function mergeIa3(adapter: Ia3Adapter): void {
  for (const layer of adapter.layers.values()) mergeIa3Layer(layer);
}

export function unmergeIa3(adapter: Ia3Adapter): void {
  for (const layer of adapter.layers.values()) unmergeIa3Layer(layer);
}
