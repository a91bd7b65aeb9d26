/**
 * RMSNorm as in Hugging Face's LlamaRMSNorm: `weight * x / sqrt(mean(x²) + eps)`.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@fish-tuning/core';

export class LlamaRMSNorm extends Module {
  constructor(
    /** [hidden]; frozen. */
    public weight: tf.Tensor1D,
    readonly eps: number,
  ) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const variance = tf.mean(tf.square(x), -1, true);
      return tf.mul(this.weight, tf.mul(x, tf.rsqrt(tf.add(variance, this.eps))));
    });
  }

  dispose(): void {
    this.weight.dispose();
  }
}
