/**
 * Masks as tensors for training: 0/1 float tensors (what the trainer's optimizers take) and masked
 * gradients. Parameters without a mask (e.g. a classifier head, never a FISH candidate) pass through.
 * The masked optimizers themselves are the trainer's (`MaskedAdamW`, `MaskedSGD`).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';
import type { Mask } from './types.js';

/** The mask as float32 0/1 tensors (the trainer's format). The caller disposes them. */
export function maskToTensors(mask: Pick<Mask, 'tensors'>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of mask.tensors) out.set(name, tf.tensor(Float32Array.from(t.data), t.shape, 'float32'));
  return out;
}

/** grad × mask for every masked name; unmasked names are passed through (same tensor). New tensors are the caller's. */
export function maskGradients(grads: ReadonlyMap<string, tf.Tensor>, masks: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    const m = masks.get(name);
    if (!m) {
      out.set(name, g);
      continue;
    }
    if (!tf.util.arraysEqual(m.shape, g.shape)) {
      throw new FishTuningError(`mask shape ${JSON.stringify(m.shape)} does not match the gradient's ${JSON.stringify(g.shape)}`, { tensor: name });
    }
    out.set(name, tf.mul(g, m));
  }
  return out;
}
