/**
 * Hugging Face parameter names and shapes of a Llama-family checkpoint (llama, qwen2, phi3), and assembly
 * of a model from them. Every loader (llama2.c, safetensors, random init) goes through {@link buildLlama}.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '@fish-tuning/core';
import { headDimOf, type LlamaConfig } from './config.js';
import { Embedding } from './embedding.js';
import { LlamaRMSNorm } from './rms-norm.js';
import { LlamaAttention, Phi3Attention, type DecoderAttention } from './attention.js';
import { LlamaMLP, Phi3MLP, type DecoderMLP } from './mlp.js';
import { LlamaDecoderLayer } from './decoder-layer.js';
import { LlamaForCausalLM, LlamaModel } from './model.js';

/** Checkpoint tensor name → HF shape ([out, in] for linear weights), in file order. */
export function hfWeightShapes(c: LlamaConfig): Map<string, number[]> {
  const d = c.hiddenSize;
  const hd = headDimOf(c);
  const q = c.numAttentionHeads * hd;
  const kv = c.numKeyValueHeads * hd;
  const out = new Map<string, number[]>();
  const linear = (name: string, o: number, i: number, bias: boolean) => {
    out.set(`${name}.weight`, [o, i]);
    if (bias) out.set(`${name}.bias`, [o]);
  };
  out.set('model.embed_tokens.weight', [c.vocabSize, d]);
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const p = `model.layers.${i}`;
    if (c.modelType === 'phi3') {
      linear(`${p}.self_attn.qkv_proj`, q + 2 * kv, d, false);
    } else {
      linear(`${p}.self_attn.q_proj`, q, d, c.qkvBias);
      linear(`${p}.self_attn.k_proj`, kv, d, c.qkvBias);
      linear(`${p}.self_attn.v_proj`, kv, d, c.qkvBias);
    }
    linear(`${p}.self_attn.o_proj`, d, q, c.oBias);
    if (c.modelType === 'phi3') {
      linear(`${p}.mlp.gate_up_proj`, 2 * c.intermediateSize, d, false);
    } else {
      linear(`${p}.mlp.gate_proj`, c.intermediateSize, d, c.mlpBias);
      linear(`${p}.mlp.up_proj`, c.intermediateSize, d, c.mlpBias);
    }
    linear(`${p}.mlp.down_proj`, d, c.intermediateSize, c.mlpBias);
    out.set(`${p}.input_layernorm.weight`, [d]);
    out.set(`${p}.post_attention_layernorm.weight`, [d]);
  }
  out.set('model.norm.weight', [d]);
  if (!c.tieWordEmbeddings) out.set('lm_head.weight', [c.vocabSize, d]);
  return out;
}

/** The config.json fields a tensor's shape comes from (named when a checkpoint disagrees with its config). */
export function shapeSource(name: string): string {
  if (name.includes('embed_tokens') || name.startsWith('lm_head')) return 'vocab_size × hidden_size';
  if (/(q_proj|k_proj|v_proj|qkv_proj|o_proj)/.test(name)) return 'hidden_size, num_attention_heads, num_key_value_heads, head_dim';
  if (/(gate|up|down)_proj|gate_up_proj/.test(name)) return 'hidden_size, intermediate_size';
  return 'hidden_size';
}

/**
 * Builds the model from tensors in HF layout. `take(name, shape)` returns a tensor of exactly that
 * shape (the loader checks it and names the file); ownership passes to the model.
 */
export function buildLlama(c: LlamaConfig, take: (name: string, shape: number[]) => tf.Tensor): LlamaForCausalLM {
  const shapes = hfWeightShapes(c);
  const built: tf.Tensor[] = [];
  const get = (name: string): tf.Tensor => {
    const t = take(name, shapes.get(name)!);
    built.push(t);
    return t;
  };
  const linear = (name: string) => Linear.fromWeight(get(`${name}.weight`) as tf.Tensor2D, shapes.has(`${name}.bias`) ? (get(`${name}.bias`) as tf.Tensor1D) : null);
  try {
    const hd = headDimOf(c);
    const embed = new Embedding(get('model.embed_tokens.weight') as tf.Tensor2D);
    const layers: LlamaDecoderLayer[] = [];
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const p = `model.layers.${i}`;
      let attn: DecoderAttention;
      let mlp: DecoderMLP;
      if (c.modelType === 'phi3') {
        attn = new Phi3Attention(linear(`${p}.self_attn.qkv_proj`), linear(`${p}.self_attn.o_proj`), c.numAttentionHeads, c.numKeyValueHeads, hd);
        mlp = new Phi3MLP(linear(`${p}.mlp.gate_up_proj`), linear(`${p}.mlp.down_proj`));
      } else {
        attn = new LlamaAttention(
          linear(`${p}.self_attn.q_proj`),
          linear(`${p}.self_attn.k_proj`),
          linear(`${p}.self_attn.v_proj`),
          linear(`${p}.self_attn.o_proj`),
          c.numAttentionHeads,
          c.numKeyValueHeads,
          hd,
        );
        mlp = new LlamaMLP(linear(`${p}.mlp.gate_proj`), linear(`${p}.mlp.up_proj`), linear(`${p}.mlp.down_proj`));
      }
      const inNorm = new LlamaRMSNorm(get(`${p}.input_layernorm.weight`) as tf.Tensor1D, c.rmsNormEps);
      const postNorm = new LlamaRMSNorm(get(`${p}.post_attention_layernorm.weight`) as tf.Tensor1D, c.rmsNormEps);
      layers.push(new LlamaDecoderLayer(attn, mlp, inNorm, postNorm));
    }
    const norm = new LlamaRMSNorm(get('model.norm.weight') as tf.Tensor1D, c.rmsNormEps);
    // A tied head gets its own [in, out] copy of the embedding: plain matMuls are fast on wasm.
    const head = c.tieWordEmbeddings ? Linear.fromWeight(tf.clone(embed.weight)) : linear('lm_head');
    return new LlamaForCausalLM(c, new LlamaModel(embed, layers, norm), head);
  } catch (e) {
    for (const t of built) if (!t.isDisposed) t.dispose();
    throw e;
  }
}

/** The model's tensors by HF name and layout (new tensors, owned by the caller). Tied heads are left out. */
export function llamaStateDict(m: LlamaForCausalLM): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  try {
    for (const name of hfWeightShapes(m.config).keys()) {
      const dot = name.lastIndexOf('.');
      const path = name.slice(0, dot);
      const role = name.slice(dot + 1);
      let mod: unknown = m;
      for (const part of path.split('.')) mod = (mod as Record<string, unknown>)[part];
      if (mod instanceof Linear) out.set(name, role === 'bias' ? tf.clone(mod.bias!) : mod.weight());
      else if (mod instanceof Embedding || mod instanceof LlamaRMSNorm) out.set(name, tf.clone(mod.weight));
      else throw new Error(`llamaStateDict: '${path}' is not a plain layer (merge or remove adapters before saving the base model)`);
    }
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}
