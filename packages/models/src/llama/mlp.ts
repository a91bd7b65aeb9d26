/**
 * SwiGLU feed-forward blocks: `LlamaMLP` = `down_proj(silu(gate_proj x) · up_proj x)`, and Phi-3's fused
 * form `Phi3MLP` whose `gate_up_proj` output is [gate | up] (transformers' `chunk(2)`).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type LinearLike } from '@fish-tuning/core';

export interface DecoderMLP extends Module {
  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor;
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));

export class LlamaMLP extends Module implements DecoderMLP {
  constructor(
    public gate_proj: LinearLike,
    public up_proj: LinearLike,
    public down_proj: LinearLike,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.down_proj.forward(tf.mul(silu(this.gate_proj.forward(x, ctx)), this.up_proj.forward(x, ctx)), ctx));
  }
}

export class Phi3MLP extends Module implements DecoderMLP {
  constructor(
    public gate_up_proj: LinearLike,
    public down_proj: LinearLike,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [gate, up] = tf.split(this.gate_up_proj.forward(x, ctx), 2, -1);
      return this.down_proj.forward(tf.mul(up, silu(gate)), ctx);
    });
  }
}
