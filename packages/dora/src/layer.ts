/**
 * DoRA (Liu et al. 2024) as PEFT's `use_dora: true` (peft/tuners/lora/dora.py, DoraLinearLayer):
 *   y = base(x) + (m/‖W + s·BA‖_row − 1) · (W x_d) + (m/‖W + s·BA‖_row) · s·B A x_d,   x_d = dropout(x),
 * so without dropout y = bias + (m/‖W + s·BA‖_row)·(W x + s·B A x): the bias is not rescaled. The row norm
 * (over the input dimension, one per output) is detached from the gradient, as the paper's §4.3 and PEFT
 * do; m [out] starts at ‖W + s·B₀A₀‖_row (= ‖W‖_row with B₀ = 0), so the model is unchanged at init.
 * Per-sample views: m [b, out], A [b, r, in], B [b, out, r] give per-sample norms [b, out].
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout, matmulKernel, paramValue, perSampleBroadcast, type ForwardContext, type Linear } from '@fish-tuning/core';
import { LoraLinear, type AdapterTensor, type LoraLayerOptions } from '@fish-tuning/lora';

/** Identity forward, zero gradient (torch's .detach()); tfjs-core has no stopGradient op. */
const detach = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

export class DoraLinear extends LoraLinear {
  /** [out]: PEFT's `lora_magnitude_vector`. */
  readonly magnitude: tf.Variable;
  /** ‖W + s·BA‖_row at merge time, needed to unmerge exactly. */
  private mergeNorm: tf.Tensor | null = null;

  constructor(base: Linear, a: tf.Tensor2D, b: tf.Tensor2D, options: LoraLayerOptions) {
    super(base, a, b, options);
    const norm = this.weightNorm(base.kernel, a, b);
    this.magnitude = tf.variable(norm, true);
    norm.dispose(); // the variable holds its own reference
  }

  /**
   * ‖W + s·B A‖ per output row from the stored kernel [in, out] (Wᵀ): column norms of Wᵀ + s·Aᵀ Bᵀ.
   * Shared A [r, in], B [out, r] → [out]; per-sample [b, r, in], [b, out, r] → [b, out].
   */
  weightNorm(kernel: tf.Tensor2D, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const perm = a.rank === 3 ? [0, 2, 1] : [1, 0];
      const deltaT = tf.matMul(tf.transpose(a, perm), tf.transpose(b, perm)); // [.., in, out]
      const full = tf.add(kernel, tf.mul(deltaT, this.scaling));
      return tf.sqrt(tf.sum(tf.square(full), full.rank - 2));
    });
  }

  override adapterTensors(): AdapterTensor[] {
    return [...super.adapterTensors(), { suffix: 'lora_magnitude_vector', role: 'lora_magnitude_vector', variable: this.magnitude }];
  }

  override forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const base = this.baseLinear();
      if (this.merged) return base.forward(x);
      const a = paramValue(this.loraA);
      const b = paramValue(this.loraB);
      const m = paramValue(this.magnitude);
      const norm = detach(this.weightNorm(base.kernel, a, b));
      const scale = perSampleBroadcast(tf.div(m, norm), x); // m / ‖W + s·BA‖
      const xd = dropout(x, this.dropoutRate, ctx);
      const lora = this.loraBranch(xd);
      if (xd === x) {
        // No dropout: one product with W serves both terms.
        const wx = matmulKernel(x, base.kernel);
        const y = tf.mul(scale, tf.add(wx, lora));
        return base.bias ? tf.add(y, base.bias) : y;
      }
      const wxd = matmulKernel(xd, base.kernel);
      return tf.add(tf.add(base.forward(x), tf.mul(tf.sub(scale, 1), wxd)), tf.mul(scale, lora));
    });
  }

  /** Merged weight (m/‖W + s·BA‖)·(W + s·BA), PEFT's DoRA merge; the norm is kept for unmerge. */
  override mergedWeight(w: tf.Tensor2D): tf.Tensor2D {
    const full = tf.add(w, tf.mul(tf.matMul(this.loraB, this.loraA), this.scaling));
    const norm = tf.sqrt(tf.sum(tf.square(full), 1));
    this.mergeNorm?.dispose();
    this.mergeNorm = tf.keep(norm);
    return tf.mul(tf.reshape(tf.div(this.magnitude, norm), [-1, 1]), full) as tf.Tensor2D;
  }

  override unmergedWeight(merged: tf.Tensor2D): tf.Tensor2D {
    if (!this.mergeNorm) throw new Error('DoraLinear.unmergedWeight: not merged');
    const scale = tf.reshape(tf.div(this.magnitude, this.mergeNorm), [-1, 1]);
    const w = tf.sub(tf.div(merged, scale), tf.mul(tf.matMul(this.loraB, this.loraA), this.scaling)) as tf.Tensor2D;
    this.mergeNorm.dispose();
    this.mergeNorm = null;
    return w;
  }

  override dispose(): number {
    this.mergeNorm?.dispose();
    this.mergeNorm = null;
    return super.dispose();
  }
}
