/**
 * Rotary position embedding in Hugging Face's rotate-half layout: the rotated part of each head is split
 * in two halves (x1, x2) and rotated as `x·cos + [-x2, x1]·sin`, with `cos`/`sin` of `position · inv_freq`
 * repeated over both halves. Partial rotary (phi3) rotates the first `rotaryDim` dimensions and passes
 * the rest through. Frequencies follow transformers' ROPE_INIT_FUNCTIONS for 'default', 'llama3' and
 * 'longrope' (whose long factors apply to a whole forward pass once it reaches past the original context).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { rotaryDimOf, type LlamaConfig, type RopeScaling } from './config.js';

/** inv_freq[i] = 1 / theta^(2i / dim), in float32 as HF computes it. */
export function inverseFrequencies(dim: number, theta: number): Float32Array {
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) out[i] = 1 / Math.pow(theta, Math.fround((2 * i) / dim));
  return out;
}

/** LLaMA-3 (transformers' _compute_llama3_parameters): low frequencies divided by `factor`, a smooth band between. */
export function llama3Frequencies(base: Float32Array, r: Extract<RopeScaling, { type: 'llama3' }>): Float32Array {
  const lowWavelen = r.originalMaxPositionEmbeddings / r.lowFreqFactor;
  const highWavelen = r.originalMaxPositionEmbeddings / r.highFreqFactor;
  return base.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / r.factor;
    const smooth = (r.originalMaxPositionEmbeddings / wavelen - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
    return (1 - smooth) * (f / r.factor) + smooth * f;
  });
}

/** What a model needs to build its tables for any call: frequencies, when to switch, how to scale. */
export interface RopePlan {
  rotaryDim: number;
  /** Frequencies for passes that stay within `switchAt` positions (all passes when `long` is null). */
  short: Float32Array;
  long: Float32Array | null;
  switchAt: number;
  /** Multiplies cos and sin (longrope's attention factor; 1 otherwise). */
  scale: number;
}

export function ropePlan(c: LlamaConfig): RopePlan {
  const dim = rotaryDimOf(c);
  const base = inverseFrequencies(dim, c.ropeTheta);
  const r = c.rope;
  if (r.type === 'llama3') return { rotaryDim: dim, short: llama3Frequencies(base, r), long: null, switchAt: Infinity, scale: 1 };
  if (r.type === 'longrope') {
    const scaled = (factors: number[]) => base.map((f, i) => f / factors[i]);
    return { rotaryDim: dim, short: scaled(r.shortFactor), long: scaled(r.longFactor), switchAt: r.originalMaxPositionEmbeddings, scale: r.attentionFactor };
  }
  return { rotaryDim: dim, short: base, long: null, switchAt: Infinity, scale: 1 };
}

/** cos and sin tables [t, rotaryDim] for positions start … start + t − 1 of a pass that spans `total` positions. */
export function planTables(plan: RopePlan, start: number, t: number, total = start + t): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const invFreq = plan.long && total > plan.switchAt ? plan.long : plan.short;
  return ropeTables(start, t, invFreq, plan.scale);
}

/** cos and sin tables [t, 2·invFreq.length] for positions start … start + t − 1, times `scale`. */
export function ropeTables(start: number, t: number, invFreq: Float32Array, scale = 1): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  return tf.tidy(() => {
    const positions = tf.add(tf.range(0, t, 1, 'float32'), start);
    const freqs = tf.mul(tf.reshape(positions, [t, 1]), tf.tensor2d(invFreq, [1, invFreq.length]));
    const emb = tf.concat([freqs, freqs], 1) as tf.Tensor2D;
    if (scale === 1) return { cos: tf.cos(emb), sin: tf.sin(emb) };
    return { cos: tf.mul(tf.cos(emb), scale) as tf.Tensor2D, sin: tf.mul(tf.sin(emb), scale) as tf.Tensor2D };
  });
}

/** x [b, heads, t, headDim] with its first cos.shape[1] dimensions rotated by the tables [t, rotaryDim]. */
export function applyRope(x: tf.Tensor, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const hd = x.shape[x.rank - 1];
    const rot = cos.shape[1];
    const [xr, pass] = rot === hd ? [x, null] : tf.split(x, [rot, hd - rot], -1);
    const half = rot / 2;
    const [x1, x2] = tf.split(xr, [half, half], -1);
    const rotated = tf.concat([tf.neg(x2), x1], -1);
    const out = tf.add(tf.mul(xr, cos), tf.mul(rotated, sin));
    return pass ? tf.concat([out, pass], -1) : out;
  });
}
