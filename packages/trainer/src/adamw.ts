/**
 * AdamW (PyTorch's `torch.optim.AdamW` arithmetic: decoupled decay `p ← p·(1 − lr·wd)`, then
 * `p ← p − lr/bc1 · m / (√v/√bc2 + ε)`) restricted to a FISH mask.
 *
 * Dense masked state keeps m and v at the parameter's full shape and writes only the selected entries
 * back (tf.where, so masked entries are bit-identical). Sparse state (the default) keeps m and v only for
 * the k selected entries: gather the selected flat indices, run the same arithmetic on [k] vectors,
 * scatter the result back — optimizer memory scales with k, not with the PEFT size, and the numbers
 * are the dense masked update's.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, type DecodedTensor } from '@fish-tuning/core';
import { maskParameters, disposeMaskedParameters, type MaskedParameter, type OptimizedParameter } from './masked-parameter.js';
import type { Optimizer } from './optimizer.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Keep moments only for selected entries of masked parameters (default true). */
  sparseState?: boolean;
}

interface Slot {
  param: MaskedParameter;
  sparse: boolean;
  m: tf.Variable;
  v: tf.Variable;
}

interface Hyper {
  lr: number;
  wd: number;
  b1: number;
  b2: number;
  eps: number;
  bc1: number;
  bc2: number;
}

/** One AdamW step on matching tensors (full parameter or its gathered entries); the only copy of the math. */
function adamwMath(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: Hyper): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const decayed = h.wd !== 0 ? tf.mul(p, tf.scalar(1 - h.lr * h.wd)) : p;
  const m2 = tf.add(tf.mul(m, tf.scalar(h.b1)), tf.mul(g, tf.scalar(1 - h.b1)));
  const v2 = tf.add(tf.mul(v, tf.scalar(h.b2)), tf.mul(tf.square(g), tf.scalar(1 - h.b2)));
  const denom = tf.add(tf.div(tf.sqrt(v2), tf.scalar(Math.sqrt(h.bc2))), tf.scalar(h.eps));
  const p2 = tf.sub(decayed, tf.mul(tf.div(m2, denom), tf.scalar(h.lr / h.bc1)));
  return { p: p2, m: m2, v: v2 };
}

/** A non-trainable zero Variable (the temporary that seeds it is freed). */
function zerosVariable(shape: number[]): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false);
  z.dispose();
  return v;
}

export class MaskedAdamW implements Optimizer {
  readonly kind = 'adamw' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly sparseState: boolean;
  readonly params: readonly MaskedParameter[];
  private readonly slots: Slot[];
  private count = 0;

  constructor(params: readonly OptimizedParameter[], masks?: ReadonlyMap<string, tf.Tensor> | null, options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.sparseState = options.sparseState ?? true;
    for (const [name, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(value >= 0 && value < 1)) throw new FishTuningError(`${name} must be in [0, 1), got ${value}`, { option: name });
    }
    if (!(this.eps > 0)) throw new FishTuningError(`eps must be > 0, got ${this.eps}`, { option: 'eps' });
    if (!(this.weightDecay >= 0)) throw new FishTuningError(`weight decay must be ≥ 0, got ${this.weightDecay}`, { option: 'weightDecay' });
    this.params = maskParameters(params, masks, this.sparseState);
    this.slots = this.params
      .filter((p) => p.k > 0)
      .map((param) => {
        const sparse = this.sparseState && param.indices !== null;
        const shape = sparse ? [param.k] : param.variable.shape;
        return { param, sparse, m: zerosVariable(shape), v: zerosVariable(shape) };
      });
  }

  get updates(): number {
    return this.count;
  }

  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.count += 1;
    const h: Hyper = {
      lr,
      wd: this.weightDecay,
      b1: this.beta1,
      b2: this.beta2,
      eps: this.eps,
      bc1: 1 - this.beta1 ** this.count,
      bc2: 1 - this.beta2 ** this.count,
    };
    for (const slot of this.slots) {
      const grad = grads.get(slot.param.name);
      if (!grad) continue;
      tf.tidy(() => {
        const { param } = slot;
        const p = param.variable;
        let g = gradScale !== 1 ? tf.mul(grad, tf.scalar(gradScale)) : grad;
        if (slot.sparse) {
          const flat = tf.reshape(p, [-1]);
          const gs = tf.gather(tf.reshape(g, [-1]), param.indices!);
          const ps = tf.gather(flat, param.indices!);
          const out = adamwMath(ps, gs, slot.m, slot.v, h);
          p.assign(tf.reshape(tf.tensorScatterUpdate(flat, param.scatterIndices!, out.p), p.shape));
          slot.m.assign(out.m);
          slot.v.assign(out.v);
          return;
        }
        if (param.mask) g = tf.mul(g, param.mask);
        const out = adamwMath(p, g, slot.m, slot.v, h);
        p.assign(param.keep ? tf.where(param.keep, out.p, p) : out.p);
        slot.m.assign(out.m);
        slot.v.assign(out.v);
      });
    }
  }

  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const s of this.slots) {
      out.set(`${s.param.name}.exp_avg`, s.m);
      out.set(`${s.param.name}.exp_avg_sq`, s.v);
    }
    return out;
  }

  loadState(tensors: ReadonlyMap<string, DecodedTensor>, updates: number, file?: string): void {
    for (const s of this.slots) {
      for (const [key, target] of [[`${s.param.name}.exp_avg`, s.m], [`${s.param.name}.exp_avg_sq`, s.v]] as const) {
        const t = tensors.get(key);
        if (!t) throw new FishTuningError('missing optimizer state', { file, tensor: key });
        if (t.shape.length !== target.shape.length || t.shape.some((d, i) => d !== target.shape[i])) {
          throw new FishTuningError(`shape ${JSON.stringify(t.shape)} does not match the optimizer's ${JSON.stringify(target.shape)} (different mask or --sparse-state?)`, { file, tensor: key });
        }
        tf.tidy(() => target.assign(tf.tensor(t.data as Float32Array, t.shape, 'float32')));
      }
    }
    this.count = updates;
  }

  stateBytes(): number {
    return this.slots.reduce((n, s) => n + (s.m.size + s.v.size) * 4, 0);
  }

  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
    disposeMaskedParameters(this.params);
  }
}
