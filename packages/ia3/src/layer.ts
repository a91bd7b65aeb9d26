/**
 * The (IA)^3 layer: a frozen dense layer whose output (keys, values) or input (feed-forward down
 * projection) is rescaled element-wise by a learned vector `ia3_l`, initialised to ones.
 * Shapes follow PEFT: [out, 1] when scaling the output, [1, in] when scaling the input.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, isPerSample, ownedVariable, paramValue, perSampleBroadcast, type ForwardContext, type LinearLike } from '@fish-tuning/core';

export class Ia3Layer extends Module implements LinearLike {
  /** The wrapped frozen layer (PEFT's `base_layer`). */
  base_layer: LinearLike;
  /** [out, 1] (output scaling) or [1, in] (feed-forward: input scaling). */
  readonly ia3_l: tf.Variable;
  readonly isFeedforward: boolean;
  /** PEFT tensor name of `ia3_l` (used in errors; tfjs variable names stay automatic so that they never collide). */
  readonly tensorName: string;
  /** True while the vector is folded into the base weight (see merge.ts). */
  merged = false;

  constructor(base: LinearLike, isFeedforward: boolean, name: string, initOnes = true) {
    super();
    this.base_layer = base;
    this.isFeedforward = isFeedforward;
    this.tensorName = name;
    const shape: [number, number] = isFeedforward ? [1, base.inFeatures] : [base.outFeatures, 1];
    // PEFT draws randn before resetting to ones; init_ia3_weights=false keeps a random vector (tests only).
    this.ia3_l = ownedVariable(initOnes ? tf.ones(shape) : tf.randomNormal(shape, 0, 1, 'float32', 1));
  }

  get inFeatures(): number {
    return this.base_layer.inFeatures;
  }

  get outFeatures(): number {
    return this.base_layer.outFeatures;
  }

  /** The scaling vector as [d] (shared) or [b, d] (per-sample view), ready for perSampleBroadcast. */
  private scaling(): tf.Tensor {
    const value = paramValue(this.ia3_l);
    return isPerSample(this.ia3_l, value) ? tf.reshape(value, [value.shape[0], -1]) : tf.reshape(value, [-1]);
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    if (this.merged) return this.base_layer.forward(x, ctx);
    return tf.tidy(() => {
      const s = this.scaling();
      if (this.isFeedforward) return this.base_layer.forward(tf.mul(x, perSampleBroadcast(s, x)), ctx);
      const y = this.base_layer.forward(x, ctx);
      return tf.mul(y, perSampleBroadcast(s, y));
    });
  }

  dispose(): void {
    this.ia3_l.dispose();
  }
}
