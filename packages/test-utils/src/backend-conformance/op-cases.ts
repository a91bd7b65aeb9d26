/**
 * Every tfjs op (and its gradient) that fish-tuning's models, PEFT methods, Fisher estimators and
 * optimizers call, as small deterministic cases. Browser-safe: also bundled for the WebGPU check.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** How an input is filled: floats in [-1, 1], positive floats in [0.5, 1.5], token ids, or 0/1 masks. */
export type InputKind = 'float' | 'positive' | 'ids' | 'bool';
export interface InputSpec {
  shape: number[];
  kind?: InputKind;
  /** Upper bound for 'ids'. */
  max?: number;
}

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Check the gradient w.r.t. the float inputs too (default true when any input is float). */
  grad?: boolean;
  /** Relative / absolute tolerance (defaults 1e-4 / 1e-5). */
  rtol?: number;
  atol?: number;
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, kind: 'positive' });
const ids = (max: number, ...shape: number[]): InputSpec => ({ shape, kind: 'ids', max });
const bool = (...shape: number[]): InputSpec => ({ shape, kind: 'bool' });

/** matMul in every layout the models, LoRA (B·A, x·Aᵀ), attention and the gradients produce. */
const matMulCases: OpCase[] = [
  { name: 'matMul 2-D', inputs: [f(5, 7), f(7, 3)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul 2-D transposeA', inputs: [f(7, 5), f(7, 3)], fn: (a, b) => tf.matMul(a, b, true, false) },
  { name: 'matMul 2-D transposeB', inputs: [f(5, 7), f(3, 7)], fn: (a, b) => tf.matMul(a, b, false, true) },
  { name: 'matMul 2-D transposeA+B', inputs: [f(7, 5), f(3, 7)], fn: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'matMul [b,s,k]×[k,n] (projection)', inputs: [f(2, 6, 8), f(8, 4)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul [b,s,k]×[1,k,n]', inputs: [f(2, 6, 8), f(1, 8, 4)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul [m,k]×[b,k,n]', inputs: [f(6, 8), f(3, 8, 4)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul [b,h,s,d]×[b,h,d,s] (attention scores)', inputs: [f(2, 3, 5, 4), f(2, 3, 4, 5)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul [b,h,s,d]×[b,h,s,d]ᵀ', inputs: [f(2, 3, 5, 4), f(2, 3, 5, 4)], fn: (a, b) => tf.matMul(a, b, false, true) },
  { name: 'matMul [b,h,s,s]×[b,h,s,d] (attention context)', inputs: [f(2, 3, 5, 5), f(2, 3, 5, 4)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul batched transposeA', inputs: [f(2, 3, 4, 5), f(2, 3, 4, 6)], fn: (a, b) => tf.matMul(a, b, true, false) },
  { name: 'matMul batched transposeA+B', inputs: [f(4, 5, 3), f(4, 2, 5)], fn: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'matMul batch-broadcast [1,s,k]×[b,k,n]', inputs: [f(1, 5, 4), f(3, 4, 2)], fn: (a, b) => tf.matMul(a, b) },
];

const elementwise: OpCase[] = [
  { name: 'add (broadcast)', inputs: [f(3, 4), f(4)], fn: (a, b) => tf.add(a, b) },
  { name: 'sub (broadcast)', inputs: [f(2, 3, 4), f(3, 1)], fn: (a, b) => tf.sub(a, b) },
  { name: 'mul (broadcast)', inputs: [f(2, 3, 4), f(1, 3, 4)], fn: (a, b) => tf.mul(a, b) },
  { name: 'div', inputs: [f(3, 4), pos(3, 4)], fn: (a, b) => tf.div(a, b) },
  { name: 'maximum', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => tf.maximum(a, b) },
  { name: 'pow (scalar exponent)', inputs: [pos(3, 4)], fn: (a) => tf.pow(a, 3) },
  { name: 'square', inputs: [f(3, 4)], fn: (a) => tf.square(a) },
  { name: 'sqrt', inputs: [pos(3, 4)], fn: (a) => tf.sqrt(a) },
  { name: 'rsqrt', inputs: [pos(3, 4)], fn: (a) => tf.rsqrt(a) },
  { name: 'exp', inputs: [f(3, 4)], fn: (a) => tf.exp(a) },
  { name: 'log', inputs: [pos(3, 4)], fn: (a) => tf.log(a) },
  { name: 'neg', inputs: [f(3, 4)], fn: (a) => tf.neg(a) },
  { name: 'abs', inputs: [f(3, 4)], fn: (a) => tf.abs(a) },
  { name: 'tanh', inputs: [f(3, 4)], fn: (a) => tf.tanh(a) },
  { name: 'sigmoid', inputs: [f(3, 4)], fn: (a) => tf.sigmoid(a) },
  { name: 'relu', inputs: [f(3, 4)], fn: (a) => tf.relu(a) },
  { name: 'erf (GELU)', inputs: [f(3, 4)], fn: (a) => tf.mul(tf.mul(a, 0.5), tf.add(1, tf.erf(tf.div(a, Math.SQRT2)))) },
  { name: 'silu (x·sigmoid x)', inputs: [f(3, 4)], fn: (a) => tf.mul(a, tf.sigmoid(a)) },
  // WebGPU's sin/cos (SwiftShader) are off by up to ~7e-5 absolute on [-1, 1]; wasm/tensorflow by ~1e-7.
  { name: 'sin, cos (RoPE)', inputs: [f(3, 4)], fn: (a) => tf.add(tf.sin(a), tf.cos(a)), atol: 2e-4 },
  { name: 'where (mask outside)', inputs: [bool(3, 4), f(3, 4), f(3, 4)], fn: (m, a, b) => tf.where(tf.cast(m, 'bool'), a, b) },
  { name: 'clone, zerosLike, onesLike', inputs: [f(3, 4)], fn: (a) => tf.add(tf.clone(a), tf.add(tf.zerosLike(a), tf.onesLike(a))) },
  { name: 'cast float→int32→float', inputs: [f(3, 4)], fn: (a) => tf.cast(tf.cast(tf.mul(a, 10), 'int32'), 'float32'), grad: false },
  { name: 'equal, notEqual, logicalNot, all', inputs: [ids(3, 4, 5), ids(3, 4, 5)], fn: (a, b) => tf.cast(tf.stack([tf.equal(a, b), tf.logicalNot(tf.notEqual(a, b)), tf.tile(tf.all(tf.equal(a, a), 1, true), [1, 5])]), 'float32') },
  { name: 'isFinite', inputs: [f(3, 4)], fn: (a) => tf.cast(tf.isFinite(tf.div(a, tf.sub(a, tf.max(a)))), 'float32'), grad: false },
];

const reductions: OpCase[] = [
  { name: 'sum (axis, keepDims)', inputs: [f(2, 3, 4)], fn: (a) => tf.sum(a, -1, true) },
  { name: 'sum (all)', inputs: [f(2, 3, 4)], fn: (a) => tf.sum(a) },
  { name: 'mean (axis)', inputs: [f(2, 3, 4)], fn: (a) => tf.mean(a, 1) },
  { name: 'max, min', inputs: [f(2, 3, 4)], fn: (a) => tf.add(tf.max(a, -1), tf.min(a, -1)) },
  { name: 'moments (LayerNorm)', inputs: [f(2, 3, 8)], fn: (a) => { const { mean, variance } = tf.moments(a, -1, true); return tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-12))); } },
  { name: 'RMSNorm (mean of squares, rsqrt)', inputs: [f(2, 3, 8), f(8)], fn: (a, w) => tf.mul(tf.mul(a, tf.rsqrt(tf.add(tf.mean(tf.square(a), -1, true), 1e-5))), w) },
  { name: 'norm', inputs: [f(4, 6)], fn: (a) => tf.norm(a, 'euclidean', 1) },
  { name: 'softmax', inputs: [f(2, 3, 6)], fn: (a) => tf.softmax(a) },
  { name: 'logSoftmax', inputs: [f(4, 7)], fn: (a) => tf.logSoftmax(a) },
  { name: 'logSumExp', inputs: [f(4, 7)], fn: (a) => tf.logSumExp(a, -1) },
  { name: 'cross-entropy (oneHot · logSoftmax)', inputs: [f(5, 9), ids(9, 5)], fn: (a, y) => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.cast(y, 'int32'), 9), tf.logSoftmax(a)), -1))) },
];

const shapes: OpCase[] = [
  { name: 'reshape', inputs: [f(2, 3, 4)], fn: (a) => tf.reshape(a, [6, 4]) },
  { name: 'transpose [0,2,1,3] (heads)', inputs: [f(2, 3, 4, 5)], fn: (a) => tf.transpose(a, [0, 2, 1, 3]) },
  { name: 'transpose 2-D', inputs: [f(3, 5)], fn: (a) => tf.transpose(a) },
  { name: 'concat', inputs: [f(2, 3), f(2, 5)], fn: (a, b) => tf.concat([a, b], 1) },
  { name: 'slice', inputs: [f(4, 6)], fn: (a) => tf.slice(a, [1, 2], [2, 3]) },
  { name: 'split', inputs: [f(4, 6)], fn: (a) => { const [x, y] = tf.split(a, [2, 4], 1); return tf.add(tf.sum(x), tf.sum(tf.square(y))); } },
  { name: 'stack', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => tf.stack([a, b], 1) },
  { name: 'tile', inputs: [f(2, 3)], fn: (a) => tf.tile(a, [2, 3]) },
  { name: 'expandDims', inputs: [f(3, 4)], fn: (a) => tf.expandDims(a, 1) },
  { name: 'gather (embedding lookup)', inputs: [f(11, 4), ids(11, 2, 6)], fn: (e, i) => tf.gather(e, tf.cast(i, 'int32')) },
  { name: 'gather axis 1', inputs: [f(3, 7), ids(7, 4)], fn: (a, i) => tf.gather(a, tf.cast(i, 'int32'), 1) },
  { name: 'tensorScatterUpdate', inputs: [f(5, 3), f(2, 3)], fn: (a, u) => tf.tensorScatterUpdate(a, tf.tensor2d([[1], [3]], [2, 1], 'int32'), u), grad: false },
  { name: 'range, fill', inputs: [f(4)], fn: (a) => tf.add(tf.mul(a, tf.range(0, 4)), tf.fill([4], 0.5)) },
];

/** Model-shaped compositions: BERT attention with mask bias, LoRA forward, GQA tiling, a dropout-free MLP. */
const compositions: OpCase[] = [
  {
    name: 'attention block (scores, mask bias, softmax, context)',
    inputs: [f(2, 6, 8), f(8, 8), f(8, 8), f(8, 8), bool(2, 6)],
    fn: (x, wq, wk, wv, m) => {
      const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [2, 6, 2, 4]), [0, 2, 1, 3]);
      const q = heads(tf.matMul(x, wq));
      const k = heads(tf.matMul(x, wk));
      const v = heads(tf.matMul(x, wv));
      const bias = tf.reshape(tf.mul(tf.sub(1, m), -1e4), [2, 1, 1, 6]);
      const p = tf.softmax(tf.add(tf.div(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), 2), bias));
      return tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [2, 6, 8]);
    },
    rtol: 1e-3,
    atol: 1e-4,
  },
  { name: 'LoRA forward x·W + s·(x·Aᵀ)·Bᵀ', inputs: [f(2, 5, 8), f(8, 6), f(3, 8), f(6, 3)], fn: (x, w, a, b) => tf.add(tf.matMul(x, w), tf.mul(tf.matMul(tf.matMul(x, tf.transpose(a)), tf.transpose(b)), 2)) },
  { name: 'DoRA norm of W + B·A over columns', inputs: [f(6, 8), f(6, 2), f(2, 8)], fn: (w, b, a) => tf.norm(tf.add(w, tf.matMul(b, a)), 'euclidean', 1) },
];

export const OP_CASES: OpCase[] = [...matMulCases, ...elementwise, ...reductions, ...shapes, ...compositions];

/** Deterministic fill (a small LCG) so every backend sees the same inputs. */
export function makeInput(spec: InputSpec, seed: number): tf.Tensor {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    v[i] = spec.kind === 'positive' ? 0.5 + r : spec.kind === 'ids' ? Math.floor(r * (spec.max ?? 2)) : spec.kind === 'bool' ? (r < 0.7 ? 1 : 0) : 2 * r - 1;
  }
  return tf.tensor(v, spec.shape, 'float32');
}

export interface CaseResult {
  name: string;
  /** Arrays of the forward output and of each float input's gradient, in order. */
  outputs: Float32Array[];
}

/** Runs one case on the active backend: forward, then gradients of Σ(out·w) w.r.t. the float inputs. */
export async function runCase(c: OpCase, index: number): Promise<CaseResult> {
  const xs = c.inputs.map((spec, i) => makeInput(spec, 1000 * index + i + 1));
  const floatIdx = c.inputs.map((s, i) => ((s.kind ?? 'float') === 'float' || s.kind === 'positive' ? i : -1)).filter((i) => i >= 0);
  const out = tf.tidy(() => c.fn(...xs));
  const outputs = [(await tf.cast(out, 'float32').data()) as Float32Array];
  if ((c.grad ?? true) && floatIdx.length > 0) {
    const w = makeInput({ shape: out.shape }, 7777 + index);
    const grads = tf.tidy(() =>
      tf.grads((...fx: tf.Tensor[]) => {
        const all = xs.slice();
        floatIdx.forEach((k, j) => (all[k] = fx[j]));
        return tf.sum(tf.mul(c.fn(...all), w));
      })(floatIdx.map((k) => xs[k])),
    );
    for (const g of grads) outputs.push((await g.data()) as Float32Array);
    tf.dispose([w, ...grads]);
  }
  tf.dispose([...xs, out]);
  return { name: c.name, outputs };
}

/** Runs every case on `backend` and returns the results (switching tfjs' active backend). */
export async function runAllCases(backend: string): Promise<CaseResult[]> {
  await tf.setBackend(backend);
  const results: CaseResult[] = [];
  for (let i = 0; i < OP_CASES.length; i++) results.push(await runCase(OP_CASES[i], i));
  return results;
}
