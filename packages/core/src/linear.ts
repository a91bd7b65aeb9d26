/**
 * The frozen dense layer every model is built from, and the shape PEFT layers wrap.
 * Stored as a kernel [in, out] (fast on wasm); `weight()` gives the PyTorch/HF layout [out, in].
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';
import { matmulKernel } from './linear-algebra.js';
import type { ForwardContext } from './context.js';

/** What a model calls on a dense sub-module; LoRA, DoRA, (IA)^3 and adapters implement it too. */
export interface LinearLike extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor;
}

/** True for modules a dense-layer method can wrap: a Linear or any LinearLike wrapper around one. */
export function isLinearLike(m: Module): m is LinearLike {
  const l = m as Partial<LinearLike>;
  return typeof l.forward === 'function' && typeof l.inFeatures === 'number' && typeof l.outFeatures === 'number';
}

export class Linear extends Module implements LinearLike {
  /** [in, out]; frozen (a plain tensor, never a trainable Variable). */
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | null;

  constructor(kernel: tf.Tensor2D, bias: tf.Tensor1D | null = null) {
    super();
    this.kernel = kernel;
    this.bias = bias;
  }

  /** From a PyTorch/HF weight [out, in] (the tensor is consumed: disposed after transposing). */
  static fromWeight(weight: tf.Tensor2D, bias: tf.Tensor1D | null = null): Linear {
    const kernel = tf.tidy(() => tf.transpose(weight) as tf.Tensor2D);
    weight.dispose();
    return new Linear(kernel, bias);
  }

  get inFeatures(): number {
    return this.kernel.shape[0];
  }

  get outFeatures(): number {
    return this.kernel.shape[1];
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = matmulKernel(x, this.kernel);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }

  /** The weight in PyTorch/HF layout [out, in] (a new tensor, owned by the caller). */
  weight(): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.kernel) as tf.Tensor2D);
  }

  /** Replaces the weight from an [out, in] tensor (not consumed); frees the old kernel. */
  setWeight(weight: tf.Tensor2D): void {
    const next = tf.tidy(() => tf.transpose(weight) as tf.Tensor2D);
    this.kernel.dispose();
    this.kernel = tf.keep(next);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias?.dispose();
  }
}
