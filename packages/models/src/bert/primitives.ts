/**
 * The frozen non-dense pieces of BERT: an embedding table and LayerNorm, plus the activations that
 * config.json's `hidden_act` names. Frozen tensors (not Variables): PEFT never trains them.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@fish-tuning/core';
import type { BertActivation } from './config.js';

/** An embedding table `weight` [num, dim] (HF `nn.Embedding`). */
export class Embedding extends Module {
  constructor(public weight: tf.Tensor2D) {
    super();
  }

  /** ids int32 [...] → [..., dim]. gather's gradient (UnsortedSegmentSum) comes from the backend fixes. */
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids);
  }

  dispose(): void {
    this.weight.dispose();
  }
}

/**
 * LayerNorm over the last axis (HF `nn.LayerNorm`: biased variance, eps inside the square root); a null
 * bias is `nn.LayerNorm(bias=False)` (ModernBERT's norm_bias false).
 */
export class LayerNorm extends Module {
  constructor(
    public weight: tf.Tensor1D,
    public bias: tf.Tensor1D | null,
    readonly eps: number,
  ) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      const scaled = tf.mul(normed, this.weight);
      return this.bias ? tf.add(scaled, this.bias) : scaled;
    });
  }

  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** transformers' ACT2FN for the activations BERT checkpoints use; 'gelu' is the exact erf form. */
export function activation(name: BertActivation, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    switch (name) {
      case 'gelu':
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT_HALF))));
      case 'gelu_new':
      case 'gelu_pytorch_tanh': {
        const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
      }
      case 'relu':
        return tf.relu(x);
      case 'tanh':
        return tf.tanh(x);
    }
  });
}
