/**
 * llama2.c checkpoints (`.bin`, version 0), parsed from bytes (browser-safe; the file helpers are in
 * llama2c.ts): a header of 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len; a negative vocab_size means an untied classifier), then float32 tensors. Weights are mapped
 * to Hugging Face names, and wq/wk rows are permuted from Meta's adjacent-pair RoPE layout to HF's
 * rotate-half layout exactly as HF's convert_llama_weights_to_hf.py `permute` does.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';
import { llamaConfig, type LlamaConfig } from './config.js';
import { buildLlama } from './weights.js';
import type { LlamaForCausalLM } from './model.js';

const HEADER_FIELDS = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'] as const;
type Header = Record<(typeof HEADER_FIELDS)[number], number>;

/**
 * HF `permute(w, n_heads, dim1, dim2)`: `w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2)
 * .reshape(dim1, dim2)`; row (h, c, a) of the result is row h·hd + 2a + c of `w`.
 */
export function permuteRope(w: Float32Array, nHeads: number, dim1: number, dim2: number): Float32Array {
  const hd = dim1 / nHeads;
  const half = hd / 2;
  const out = new Float32Array(w.length);
  for (let h = 0; h < nHeads; h++) {
    for (let c = 0; c < 2; c++) {
      for (let a = 0; a < half; a++) {
        const dst = (h * hd + c * half + a) * dim2;
        const src = (h * hd + 2 * a + c) * dim2;
        out.set(w.subarray(src, src + dim2), dst);
      }
    }
  }
  return out;
}

function headerText(h: Header): string {
  return HEADER_FIELDS.map((k) => `${k}=${h[k]}`).join(', ');
}

/** The llama2.c tensors of a header, in file order, with their shapes. */
function llama2cLayout(h: Header, shared: boolean): Array<[string, number[]]> {
  const { dim, hidden_dim: hidden, n_layers: L, n_heads: nh, n_kv_heads: kvh, seq_len: seq } = h;
  const vocab = Math.abs(h.vocab_size);
  const hd = dim / nh;
  const kvDim = hd * kvh;
  const out: Array<[string, number[]]> = [
    ['token_embedding', [vocab, dim]],
    ['rms_att', [L, dim]],
    ['wq', [L, dim, dim]],
    ['wk', [L, kvDim, dim]],
    ['wv', [L, kvDim, dim]],
    ['wo', [L, dim, dim]],
    ['rms_ffn', [L, dim]],
    ['w1', [L, hidden, dim]],
    ['w2', [L, dim, hidden]],
    ['w3', [L, hidden, dim]],
    ['rms_final', [dim]],
    ['freq_cis_real', [seq, hd / 2]],
    ['freq_cis_imag', [seq, hd / 2]],
  ];
  if (!shared) out.push(['wcls', [vocab, dim]]);
  return out;
}

export interface Llama2cCheckpoint {
  config: LlamaConfig;
  /** HF name → HF-layout data. */
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Parses a llama2.c v0 checkpoint; every size is checked against the header and errors name the file. */
export function parseLlama2c(bytes: Uint8Array, file = '<bytes>'): Llama2cCheckpoint {
  if (bytes.length < 28) throw new FishTuningError(`truncated llama2.c checkpoint: ${bytes.length} bytes, the header alone is 28`, { file, option: 'header' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, 28);
  const h = Object.fromEntries(HEADER_FIELDS.map((k, i) => [k, view.getInt32(i * 4, true)])) as Header;
  for (const k of HEADER_FIELDS) {
    const v = k === 'vocab_size' ? Math.abs(h[k]) : h[k];
    if (!(v > 0)) throw new FishTuningError(`header field ${k} = ${h[k]} must be positive (${headerText(h)})`, { file, option: k });
  }
  if (h.dim % h.n_heads !== 0 || (h.dim / h.n_heads) % 2 !== 0) {
    throw new FishTuningError(`dim ${h.dim} must split into n_heads ${h.n_heads} heads of even size`, { file, option: 'n_heads' });
  }
  if (h.n_heads % h.n_kv_heads !== 0) throw new FishTuningError(`n_heads ${h.n_heads} is not a multiple of n_kv_heads ${h.n_kv_heads}`, { file, option: 'n_kv_heads' });
  const shared = h.vocab_size > 0;
  const layout = llama2cLayout(h, shared);
  const floats = layout.reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
  const need = 28 + 4 * floats;
  if (bytes.length !== need) {
    // Name the first tensor that runs past the end, or say how many bytes are left over.
    let at = 28;
    for (const [name, shape] of layout) {
      const size = 4 * shape.reduce((a, b) => a * b, 1);
      if (at + size > bytes.length) {
        throw new FishTuningError(
          `truncated or mismatched: tensor ${name} ${JSON.stringify(shape)} needs bytes ${at}..${at + size}, the file has ${bytes.length} (header: ${headerText(h)})`,
          { file, tensor: name, option: 'header' },
        );
      }
      at += size;
    }
    throw new FishTuningError(
      `the header (${headerText(h)}) accounts for ${need} bytes but the file has ${bytes.length}: dim / hidden_dim / n_layers / vocab_size do not match the weights`,
      { file, option: 'header' },
    );
  }
  // Copy into an aligned buffer (the file's bytes may start at any offset).
  const all = new Float32Array(floats);
  new Uint8Array(all.buffer).set(bytes.subarray(28, need));
  const raw = new Map<string, Float32Array>();
  let at = 0;
  for (const [name, shape] of layout) {
    const n = shape.reduce((a, b) => a * b, 1);
    raw.set(name, all.subarray(at, at + n));
    at += n;
  }
  const { dim, hidden_dim: hidden, n_layers: L, n_heads: nh, n_kv_heads: kvh } = h;
  const vocab = Math.abs(h.vocab_size);
  const kvDim = (dim / nh) * kvh;
  const config = llamaConfig(
    {
      vocabSize: vocab,
      hiddenSize: dim,
      intermediateSize: hidden,
      numHiddenLayers: L,
      numAttentionHeads: nh,
      numKeyValueHeads: kvh,
      maxPositionEmbeddings: h.seq_len,
      rmsNormEps: 1e-5,
      ropeTheta: 10000,
      tieWordEmbeddings: shared,
    },
    file,
  );
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  const layer = (name: string, i: number, rows: number, cols: number) => raw.get(name)!.subarray(i * rows * cols, (i + 1) * rows * cols);
  weights.set('model.embed_tokens.weight', { shape: [vocab, dim], data: raw.get('token_embedding')! });
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}`;
    weights.set(`${p}.self_attn.q_proj.weight`, { shape: [dim, dim], data: permuteRope(layer('wq', i, dim, dim), nh, dim, dim) });
    weights.set(`${p}.self_attn.k_proj.weight`, { shape: [kvDim, dim], data: permuteRope(layer('wk', i, kvDim, dim), kvh, kvDim, dim) });
    weights.set(`${p}.self_attn.v_proj.weight`, { shape: [kvDim, dim], data: layer('wv', i, kvDim, dim) });
    weights.set(`${p}.self_attn.o_proj.weight`, { shape: [dim, dim], data: layer('wo', i, dim, dim) });
    weights.set(`${p}.mlp.gate_proj.weight`, { shape: [hidden, dim], data: layer('w1', i, hidden, dim) });
    weights.set(`${p}.mlp.down_proj.weight`, { shape: [dim, hidden], data: layer('w2', i, dim, hidden) });
    weights.set(`${p}.mlp.up_proj.weight`, { shape: [hidden, dim], data: layer('w3', i, hidden, dim) });
    weights.set(`${p}.input_layernorm.weight`, { shape: [dim], data: layer('rms_att', i, dim, 1) });
    weights.set(`${p}.post_attention_layernorm.weight`, { shape: [dim], data: layer('rms_ffn', i, dim, 1) });
  }
  weights.set('model.norm.weight', { shape: [dim], data: raw.get('rms_final')! });
  if (!shared) weights.set('lm_head.weight', { shape: [vocab, dim], data: raw.get('wcls')! });
  return { config, weights };
}

/** The model of a parsed checkpoint (its tensors are copied to the backend). */
export function llama2cModel(checkpoint: Llama2cCheckpoint): LlamaForCausalLM {
  const { config, weights } = checkpoint;
  return buildLlama(config, (name, shape) => tf.tensor(weights.get(name)!.data, shape, 'float32'));
}
