/**
 * LoraLinear: wraps a dense layer and adds PEFT's low-rank update,
 *   y = base(x) + scaling · B (A · dropout(x)),   A [r, in], B [out, r] (PyTorch layout, as saved).
 * The variables are read through core `paramValue`, so inside `withParamOverrides` A may be [b, r, in] and
 * B [b, out, r] (one copy per sample) and the same code gives every sample's gradient.
 * `base_layer` is a child module named as in PEFT, so module paths stay PEFT's.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear, Module, dropout, matmulWeight, paramValue, type ForwardContext, type LinearLike } from '@fish-tuning/core';

/** One trainable tensor of a layer: its suffix in the PEFT name and its role. */
export interface AdapterTensor {
  suffix: string;
  role: string;
  variable: tf.Variable;
}

export interface LoraLayerOptions {
  r: number;
  scaling: number;
  dropout: number;
}

export class LoraLinear extends Module implements LinearLike {
  base_layer: LinearLike;
  readonly r: number;
  scaling: number;
  readonly dropoutRate: number;
  /** [r, in]. */
  readonly loraA: tf.Variable;
  /** [out, r]. */
  readonly loraB: tf.Variable;
  /** True while the update is folded into the base weight (see merge.ts). */
  merged = false;

  constructor(base: LinearLike, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions) {
    super();
    this.base_layer = base;
    this.r = options.r;
    this.scaling = options.scaling;
    this.dropoutRate = options.dropout;
    this.loraA = tf.variable(a, true);
    this.loraB = tf.variable(b, true);
  }

  get inFeatures(): number {
    return this.base_layer.inFeatures;
  }

  get outFeatures(): number {
    return this.base_layer.outFeatures;
  }

  /** The frozen base as a core Linear (merge, PiSSA and DoRA need its weight). */
  baseLinear(): Linear {
    if (!(this.base_layer instanceof Linear)) throw new Error(`LoraLinear: the base layer is a ${this.base_layer.constructor.name}, not a Linear`);
    return this.base_layer;
  }

  /** scaling · B (A x) for an already dropped-out x [b, ..., in]. */
  protected loraBranch(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(matmulWeight(matmulWeight(x, paramValue(this.loraA)), paramValue(this.loraB)), this.scaling));
  }

  /**
   * Hook for gated variants (UniPELT's G_L(x)): the update to add, given the layer's input `x`. The
   * identity here; a subclass overrides it instead of re-implementing forward.
   */
  protected gateUpdate(update: tf.Tensor, _x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return update;
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const y = this.base_layer.forward(x, ctx);
      if (this.merged) return y;
      return tf.add(y, this.gateUpdate(this.loraBranch(dropout(x, this.dropoutRate, ctx)), x, ctx));
    });
  }

  /** Trainable tensors with their PEFT suffixes (DoRA adds its magnitude). */
  adapterTensors(): AdapterTensor[] {
    return [
      { suffix: 'lora_A.weight', role: 'lora_A', variable: this.loraA },
      { suffix: 'lora_B.weight', role: 'lora_B', variable: this.loraB },
    ];
  }

  /** The merged base weight W + s·B·A from W [out, in] (inside a tidy). */
  mergedWeight(w: tf.Tensor2D): tf.Tensor2D {
    return tf.add(w, tf.mul(tf.matMul(this.loraB, this.loraA), this.scaling)) as tf.Tensor2D;
  }

  /** The inverse of mergedWeight. */
  unmergedWeight(merged: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(merged, tf.mul(tf.matMul(this.loraB, this.loraA), this.scaling)) as tf.Tensor2D;
  }

  /** Frees A and B (not the base layer, which the model owns again after restore). */
  dispose(): number {
    const tensors = this.adapterTensors();
    for (const t of tensors) t.variable.dispose();
    return tensors.length;
  }
}
