/**
 * SwiGLU feed-forward block (LlamaMLP): `down_proj(silu(gate_proj x) · up_proj x)`.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type LinearLike } from '@fish-tuning/core';

export class LlamaMLP extends Module {
  constructor(
    public gate_proj: LinearLike,
    public up_proj: LinearLike,
    public down_proj: LinearLike,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const gate = this.gate_proj.forward(x, ctx);
      const silu = tf.mul(gate, tf.sigmoid(gate));
      return this.down_proj.forward(tf.mul(silu, this.up_proj.forward(x, ctx)), ctx);
    });
  }
}
