/**
 * The Houlsby bottleneck adapter as a wrapper of a dense output projection:
 * y = base(x); out = y + s · (B σ(A y + a) + c), with A = adapter_down [r, d], B = adapter_up [d, r]
 * (PyTorch layout) and s an optional gate (UniPELT) — 1 for a plain adapter. The model's own dropout,
 * residual and LayerNorm follow, as in Houlsby et al. (2019).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { matmulWeight, Module, paramValue, perSampleBroadcast, type ForwardContext, type LinearLike, type Rng } from '@fish-tuning/core';
import type { AdapterNonLinearity } from './config.js';

export function activate(x: tf.Tensor, kind: AdapterNonLinearity): tf.Tensor {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'tanh':
      return tf.tanh(x);
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  }
}

/** A gate computed from the adapter's input y [b, t, d]: returns a tensor broadcastable to y ([b, t, 1] or [b, 1, 1]). */
export type AdapterGate = (y: tf.Tensor, ctx?: ForwardContext) => tf.Tensor;

export class AdapterLayer extends Module implements LinearLike {
  base_layer: LinearLike;
  readonly downWeight: tf.Variable;
  readonly downBias: tf.Variable | null;
  readonly upWeight: tf.Variable;
  readonly upBias: tf.Variable | null;
  readonly nonLinearity: AdapterNonLinearity;
  /** Set by UniPELT; null for a plain adapter. */
  gate: AdapterGate | null = null;

  constructor(base: LinearLike, bottleneck: number, nonLinearity: AdapterNonLinearity, bias: boolean, initStd: number, rng: Rng) {
    super();
    this.base_layer = base;
    this.nonLinearity = nonLinearity;
    const d = base.outFeatures;
    const down = new Float32Array(bottleneck * d);
    for (let i = 0; i < down.length; i++) down[i] = rng.normal() * initStd;
    this.downWeight = tf.variable(tf.tensor2d(down, [bottleneck, d]));
    this.upWeight = tf.variable(tf.zeros([d, bottleneck]));
    this.downBias = bias ? tf.variable(tf.zeros([bottleneck])) : null;
    this.upBias = bias ? tf.variable(tf.zeros([d])) : null;
  }

  get inFeatures(): number {
    return this.base_layer.inFeatures;
  }

  get outFeatures(): number {
    return this.base_layer.outFeatures;
  }

  /** The bottleneck branch B σ(A y + a) + c for y [b, ..., d] (per-sample views accepted). */
  delta(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = matmulWeight(y, paramValue(this.downWeight));
      if (this.downBias) h = tf.add(h, perSampleBroadcast(paramValue(this.downBias), h));
      let out = matmulWeight(activate(h, this.nonLinearity), paramValue(this.upWeight));
      if (this.upBias) out = tf.add(out, perSampleBroadcast(paramValue(this.upBias), out));
      return out;
    });
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const y = this.base_layer.forward(x, ctx);
      const d = this.delta(y);
      return tf.add(y, this.gate ? tf.mul(this.gate(y, ctx), d) : d);
    });
  }

  variables(): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [['adapter_down.weight', this.downWeight]];
    if (this.downBias) out.push(['adapter_down.bias', this.downBias]);
    out.push(['adapter_up.weight', this.upWeight]);
    if (this.upBias) out.push(['adapter_up.bias', this.upBias]);
    return out;
  }

  dispose(): void {
    for (const [, v] of this.variables()) v.dispose();
  }
}
