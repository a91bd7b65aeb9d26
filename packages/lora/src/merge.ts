/**
 * Folding the low-rank update into the base weight and taking it out again (PEFT's merge/unmerge),
 * kept apart from the layer. A layer kind with another update rule (DoRA) overrides `mergedWeight` and
 * `unmergedWeight` on its layer class; these functions only call them.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LoraLinear } from './layer.js';

/** scaling · B A, [out, in] (shared parameters only). */
export function deltaWeight(layer: LoraLinear): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.matMul(layer.loraB, layer.loraA), layer.scaling) as tf.Tensor2D);
}

export function mergeLayer(layer: LoraLinear): void {
  if (layer.merged) return;
  const base = layer.baseLinear();
  const merged = tf.tidy(() => {
    const w = base.weight();
    return layer.mergedWeight(w);
  });
  base.setWeight(merged);
  merged.dispose();
  layer.merged = true;
}

export function unmergeLayer(layer: LoraLinear): void {
  if (!layer.merged) return;
  const base = layer.baseLinear();
  const restored = tf.tidy(() => layer.unmergedWeight(base.weight()));
  base.setWeight(restored);
  restored.dispose();
  layer.merged = false;
}

/** Merges every layer of a LoRA (or DoRA) adapter into its base weights (forward then skips the adapter branch). */
export function mergeLora(adapter: { readonly layers: ReadonlyMap<string, LoraLinear> }): void {
  for (const layer of adapter.layers.values()) mergeLayer(layer);
}

/** Takes the update out of the base weights again (exact up to rounding). */
export function unmergeLora(adapter: { readonly layers: ReadonlyMap<string, LoraLinear> }): void {
  for (const layer of adapter.layers.values()) unmergeLayer(layer);
}
