/**
 * Using a mask while training: gradients are multiplied by it, and the masked AdamW step selects the
 * old value (tf.where) for every unselected entry, so that weight decay, moments and the update all
 * leave a masked entry bit-identical, whatever the gradient holds. Parameters without a mask (e.g. a
 * classifier head, never a FISH candidate) are trained fully.
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

export interface AdamWHyper {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (PyTorch AdamW: θ ← θ − lr·wd·θ before the Adam update). */
  weightDecay?: number;
}

/** First and second moments of one parameter (dense; the trainer may keep sparse ones instead). */
export interface AdamWMoments {
  m: tf.Variable;
  v: tf.Variable;
}

export function adamWMoments(param: tf.Variable): AdamWMoments {
  return { m: tf.variable(tf.zerosLike(param), false), v: tf.variable(tf.zerosLike(param), false) };
}

/**
 * One AdamW step (PyTorch's algorithm, step `t` ≥ 1, bias-corrected) on `param`, restricted to the
 * entries where `mask` is non-zero (`null`: all entries). Unselected entries of θ, m and v keep their
 * exact bits. The gradient need not be pre-masked.
 */
export function maskedAdamWUpdate(param: tf.Variable, grad: tf.Tensor, moments: AdamWMoments, mask: tf.Tensor | null, t: number, hyper: AdamWHyper): void {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = hyper;
  if (!Number.isInteger(t) || t < 1) throw new FishTuningError(`AdamW step must be an integer ≥ 1, got ${t}`, { option: 'step' });
  tf.tidy(() => {
    const g = grad;
    const m = tf.add(tf.mul(moments.m, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(moments.v, beta2), tf.mul(tf.square(g), 1 - beta2));
    const mHat = tf.div(m, 1 - beta1 ** t);
    const vHat = tf.div(v, 1 - beta2 ** t);
    const decayed = weightDecay ? tf.mul(param, 1 - lr * weightDecay) : param;
    const next = tf.sub(decayed, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr));
    if (mask) {
      const keep = tf.notEqual(mask, 0);
      param.assign(tf.where(keep, next, param));
      moments.m.assign(tf.where(keep, m, moments.m));
      moments.v.assign(tf.where(keep, v, moments.v));
    } else {
      param.assign(next);
      moments.m.assign(m);
      moments.v.assign(v);
    }
  });
}
