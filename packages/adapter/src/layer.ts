/**
 * The Houlsby bottleneck adapter as a wrapper of a dense output projection:
 * y = base(x); out = y + s · (B σ(A y + a) + c), with A = adapter_down [r, d], B = adapter_up [d, r]
 * (PyTorch layout) and s an optional gate (UniPELT, through the `gateDelta` hook) — 1 for a plain adapter. The model's own dropout,
 * residual and LayerNorm follow, as in Houlsby et al. (2019).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { matmulWeight, Module, ownedVariable, paramValue, perSampleBroadcast, type ForwardContext, type LinearLike, type Rng } from '@fish-tuning/core';
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

/** The per-target settings an adapter layer is built from (derived from AdapterConfig and the target's width). */
export interface AdapterLayerOptions {
  bottleneck: number;
  nonLinearity: AdapterNonLinearity;
  bias: boolean;
  initStd: number;
}

export class AdapterLayer extends Module implements LinearLike {
  base_layer: LinearLike;
  readonly downWeight: tf.Variable;
  readonly downBias: tf.Variable | null;
  readonly upWeight: tf.Variable;
  readonly upBias: tf.Variable | null;
  readonly nonLinearity: AdapterNonLinearity;

  constructor(base: LinearLike, bottleneck: number, nonLinearity: AdapterNonLinearity, bias: boolean, initStd: number, rng: Rng) {
    super();
    this.base_layer = base;
    this.nonLinearity = nonLinearity;
    const d = base.outFeatures;
    const down = new Float32Array(bottleneck * d);
    for (let i = 0; i < down.length; i++) down[i] = rng.normal() * initStd;
    this.downWeight = ownedVariable(tf.tensor2d(down, [bottleneck, d]));
    this.upWeight = ownedVariable(tf.zeros([d, bottleneck]));
    this.downBias = bias ? ownedVariable(tf.zeros([bottleneck])) : null;
    this.upBias = bias ? ownedVariable(tf.zeros([d])) : null;
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

  /**
   * Hook for gated variants (UniPELT's G_A(y)): the update to add, given the adapter's input `y`. The
   * identity here; a subclass overrides it instead of re-implementing forward.
   */
  protected gateDelta(delta: tf.Tensor, _y: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return delta;
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const y = this.base_layer.forward(x, ctx);
      return tf.add(y, this.gateDelta(this.delta(y), y, ctx));
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
