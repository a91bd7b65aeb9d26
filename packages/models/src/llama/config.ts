/**
 * Decoder configuration for the Llama family as transformers defines it — `llama` (incl. LLaMA-3's
 * `rope_scaling` llama3), `qwen2` (q/k/v biases) and `phi3` (fused projections, partial rotary,
 * longrope) — in camelCase, plus conversion to and from `config.json`. Every config field that changes
 * the math is either implemented here or refused by name (see {@link fromHfConfigJson}).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { ConfigFields, type Json } from '../checkpoint/config-fields.js';

export type DecoderModelType = 'llama' | 'qwen2' | 'phi3';

/** RoPE variants: plain, LLaMA-3's frequency-band rescaling, or Phi-3's LongRoPE. */
export type RopeScaling =
  | { type: 'default' }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | {
      type: 'longrope';
      /** Per-frequency divisors used while every position is < originalMaxPositionEmbeddings. */
      shortFactor: number[];
      /** Used once a forward pass reaches beyond originalMaxPositionEmbeddings (transformers' rule). */
      longFactor: number[];
      originalMaxPositionEmbeddings: number;
      /** Multiplies cos and sin (transformers' attention_scaling). */
      attentionFactor: number;
    };

export interface LlamaConfig {
  modelType: DecoderModelType;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  /** Per-head size (config `head_dim`; hidden_size / num_attention_heads when absent). */
  headDim: number;
  /** Longest sequence (prefix and cache included); longer inputs are refused. */
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  rope: RopeScaling;
  /** Fraction of each head that is rotated (phi3); the rest passes through. */
  partialRotaryFactor: number;
  tieWordEmbeddings: boolean;
  /** Biases on q/k/v projections (qwen2: always; llama: attention_bias). */
  qkvBias: boolean;
  /** Bias on o_proj (llama attention_bias). */
  oBias: boolean;
  /** Biases on the MLP projections (llama mlp_bias). */
  mlpBias: boolean;
  /** Keys older than this many positions are hidden (phi3 `sliding_window`); null for full attention. */
  slidingWindow: number | null;
  bosTokenId: number;
  eosTokenId: number;
}

export type LlamaConfigInput = Pick<LlamaConfig, 'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numHiddenLayers' | 'numAttentionHeads'> &
  Partial<LlamaConfig>;

/** Fills in defaults (transformers' LlamaConfig) and rejects inconsistent sizes, naming the field. */
export function llamaConfig(input: LlamaConfigInput, file?: string): LlamaConfig {
  const c: LlamaConfig = {
    modelType: 'llama',
    numKeyValueHeads: input.numAttentionHeads,
    headDim: input.hiddenSize / input.numAttentionHeads,
    maxPositionEmbeddings: 2048,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    rope: { type: 'default' },
    partialRotaryFactor: 1,
    tieWordEmbeddings: false,
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    slidingWindow: null,
    bosTokenId: 1,
    eosTokenId: 2,
    ...input,
  };
  const positive: Array<keyof LlamaConfig> = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numHiddenLayers', 'numAttentionHeads', 'numKeyValueHeads', 'maxPositionEmbeddings', 'headDim'];
  for (const k of positive) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v <= 0) throw new FishTuningError(`${String(k)} must be a positive integer, got ${v}`, { file, option: String(k) });
  }
  if (input.headDim === undefined && c.hiddenSize % c.numAttentionHeads !== 0) {
    throw new FishTuningError(`hiddenSize ${c.hiddenSize} is not divisible by numAttentionHeads ${c.numAttentionHeads} (and no headDim given)`, { file, option: 'numAttentionHeads' });
  }
  if (c.numAttentionHeads % c.numKeyValueHeads !== 0) {
    throw new FishTuningError(`numAttentionHeads ${c.numAttentionHeads} is not divisible by numKeyValueHeads ${c.numKeyValueHeads}`, { file, option: 'numKeyValueHeads' });
  }
  if (!(c.partialRotaryFactor > 0 && c.partialRotaryFactor <= 1)) {
    throw new FishTuningError(`partialRotaryFactor must be in (0, 1], got ${c.partialRotaryFactor}`, { file, option: 'partialRotaryFactor' });
  }
  if (rotaryDimOf(c) % 2 !== 0 || rotaryDimOf(c) === 0) {
    throw new FishTuningError(`rotary dimension ${rotaryDimOf(c)} (headDim ${c.headDim} × partialRotaryFactor ${c.partialRotaryFactor}) must be even and > 0 for RoPE`, { file, option: 'headDim' });
  }
  if (!(c.rmsNormEps > 0) || !Number.isFinite(c.rmsNormEps)) throw new FishTuningError(`rmsNormEps must be > 0, got ${c.rmsNormEps}`, { file, option: 'rmsNormEps' });
  if (!(c.ropeTheta > 0) || !Number.isFinite(c.ropeTheta)) throw new FishTuningError(`ropeTheta must be > 0, got ${c.ropeTheta}`, { file, option: 'ropeTheta' });
  if (c.slidingWindow !== null && (!Number.isInteger(c.slidingWindow) || c.slidingWindow < 1)) {
    throw new FishTuningError(`slidingWindow must be a positive integer or null, got ${c.slidingWindow}`, { file, option: 'slidingWindow' });
  }
  if (c.modelType === 'phi3' && (c.qkvBias || c.oBias || c.mlpBias)) throw new FishTuningError('phi3 has no projection biases', { file, option: 'qkvBias' });
  return c;
}

export function headDimOf(c: LlamaConfig): number {
  return c.headDim;
}

/** Number of leading head dimensions that RoPE rotates. */
export function rotaryDimOf(c: LlamaConfig): number {
  return Math.floor(c.headDim * c.partialRotaryFactor);
}

/** The Hugging Face `config.json` object for `c` (read back identically by {@link fromHfConfigJson}). */
export function toHfConfigJson(c: LlamaConfig): Record<string, unknown> {
  const architectures = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', phi3: 'Phi3ForCausalLM' }[c.modelType];
  const json: Record<string, unknown> = {
    architectures: [architectures],
    model_type: c.modelType,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    num_key_value_heads: c.numKeyValueHeads,
    head_dim: c.headDim,
    max_position_embeddings: c.maxPositionEmbeddings,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    tie_word_embeddings: c.tieWordEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    hidden_act: 'silu',
    torch_dtype: 'float32',
  };
  if (c.modelType === 'llama') Object.assign(json, { attention_bias: c.qkvBias, mlp_bias: c.mlpBias });
  if (c.modelType === 'qwen2') Object.assign(json, { use_sliding_window: false });
  if (c.modelType === 'phi3') Object.assign(json, { partial_rotary_factor: c.partialRotaryFactor, sliding_window: c.slidingWindow });
  const r = c.rope;
  if (r.type === 'llama3') {
    json.rope_scaling = { rope_type: 'llama3', factor: r.factor, low_freq_factor: r.lowFreqFactor, high_freq_factor: r.highFreqFactor, original_max_position_embeddings: r.originalMaxPositionEmbeddings };
  } else if (r.type === 'longrope') {
    json.rope_scaling = { type: 'longrope', short_factor: r.shortFactor, long_factor: r.longFactor, attention_factor: r.attentionFactor };
    json.original_max_position_embeddings = r.originalMaxPositionEmbeddings;
  } else json.rope_scaling = null;
  return json;
}

/** The decoder model_types this package implements. */
export const DECODER_MODEL_TYPES: readonly DecoderModelType[] = ['llama', 'qwen2', 'phi3'];

/** transformers' defaults that differ between the families. */
const DEFAULTS: Record<DecoderModelType, { maxPositions: number; eps: number; tie: boolean }> = {
  llama: { maxPositions: 2048, eps: 1e-6, tie: false },
  qwen2: { maxPositions: 32768, eps: 1e-6, tie: false },
  phi3: { maxPositions: 4096, eps: 1e-5, tie: false },
};

/**
 * Reads a Hugging Face `config.json`. Implemented: sizes, `head_dim`, GQA, `rms_norm_eps`, `rope_theta`,
 * `rope_scaling` llama3 (llama) and longrope (phi3), `partial_rotary_factor`, `tie_word_embeddings`,
 * `attention_bias`/`mlp_bias` (llama), qwen2's q/k/v biases, phi3's `sliding_window`. Refused by field name:
 * other `rope_scaling` types, activations other than silu, non-zero dropouts, qwen2's sliding window,
 * phi3 biases. Fields that do not change the forward pass (ids, `use_cache`, `torch_dtype`, `initializer_range`,
 * `pretraining_tp` — unused by transformers 4.57's forward —, remote-code extras) are ignored, as transformers does.
 */
export function fromHfConfigJson(json: Json, file?: string): LlamaConfig {
  const f = new ConfigFields(json, file);
  const modelType = f.has('model_type') ? f.raw('model_type') : 'llama';
  if (typeof modelType !== 'string' || !(DECODER_MODEL_TYPES as readonly string[]).includes(modelType)) {
    f.fail('model_type', `model_type ${JSON.stringify(modelType)} is not a supported decoder (supported: ${DECODER_MODEL_TYPES.join(', ')})`);
  }
  const type = modelType as DecoderModelType;
  const d = DEFAULTS[type];
  f.oneOf('hidden_act', ['silu'], 'silu');
  f.zeroDropout('attention_dropout');
  const hidden = f.int('hidden_size');
  const heads = f.int('num_attention_heads');
  if (!f.has('head_dim') && hidden % heads !== 0) f.fail('num_attention_heads', `hidden_size ${hidden} is not divisible by num_attention_heads ${heads} and no head_dim is given`);
  const headDim = type === 'phi3' ? (f.has('head_dim') ? f.int('head_dim') : hidden / heads) : f.int('head_dim', hidden / heads);
  const kvHeads = f.int('num_key_value_heads', heads);
  if (heads % kvHeads !== 0) f.fail('num_key_value_heads', `num_attention_heads ${heads} is not divisible by num_key_value_heads ${kvHeads}`);
  const maxPositions = f.int('max_position_embeddings', d.maxPositions);
  let qkvBias = false;
  let oBias = false;
  let mlpBias = false;
  let slidingWindow: number | null = null;
  let partial = 1;
  if (type === 'llama') {
    qkvBias = oBias = f.bool('attention_bias', false);
    mlpBias = f.bool('mlp_bias', false);
  } else if (type === 'qwen2') {
    qkvBias = true;
    if (f.bool('use_sliding_window', false)) f.fail('use_sliding_window', "'use_sliding_window' = true is not supported for qwen2 (only full attention is implemented)");
    const layerTypes = f.raw('layer_types');
    if (layerTypes !== undefined && (!Array.isArray(layerTypes) || layerTypes.some((t) => t !== 'full_attention'))) {
      f.fail('layer_types', `only 'full_attention' layers are supported for qwen2, got ${JSON.stringify(layerTypes)?.slice(0, 80)}`);
    }
  } else {
    f.only('attention_bias', false, 'phi3 projections have no bias');
    f.only('mlp_bias', false, 'phi3 projections have no bias');
    f.only('lm_head_bias', false, 'phi3 lm_head has no bias');
    f.zeroDropout('resid_pdrop');
    f.zeroDropout('embd_pdrop');
    partial = f.number('partial_rotary_factor', 1, 'in (0, 1]', (x) => x > 0 && x <= 1);
    slidingWindow = f.has('sliding_window') ? f.int('sliding_window') : null;
  }
  const rotaryDim = Math.floor(headDim * partial);
  if (rotaryDim % 2 !== 0 || rotaryDim === 0) f.fail(partial === 1 ? (f.has('head_dim') ? 'head_dim' : 'hidden_size') : 'partial_rotary_factor', `rotary dimension ${rotaryDim} (head_dim ${headDim} × partial_rotary_factor ${partial}) must be even and > 0`);
  const rope = ropeScalingOf(f, type, rotaryDim, maxPositions);
  const eos = Array.isArray(json.eos_token_id) ? json.eos_token_id[0] : json.eos_token_id;
  return llamaConfig(
    {
      modelType: type,
      vocabSize: f.int('vocab_size'),
      hiddenSize: hidden,
      intermediateSize: f.int('intermediate_size'),
      numHiddenLayers: f.int('num_hidden_layers'),
      numAttentionHeads: heads,
      numKeyValueHeads: kvHeads,
      headDim,
      maxPositionEmbeddings: maxPositions,
      rmsNormEps: f.positive('rms_norm_eps', d.eps),
      ropeTheta: f.positive('rope_theta', 10000),
      rope,
      partialRotaryFactor: partial,
      tieWordEmbeddings: f.bool('tie_word_embeddings', d.tie),
      qkvBias,
      oBias,
      mlpBias,
      slidingWindow,
      bosTokenId: typeof json.bos_token_id === 'number' ? json.bos_token_id : 1,
      eosTokenId: typeof eos === 'number' ? eos : 2,
    },
    file,
  );
}

function ropeScalingOf(f: ConfigFields, type: DecoderModelType, rotaryDim: number, maxPositions: number): RopeScaling {
  const raw = f.raw('rope_scaling');
  if (raw === undefined) return { type: 'default' };
  if (typeof raw !== 'object' || Array.isArray(raw)) f.fail('rope_scaling', `'rope_scaling' must be an object or null, got ${JSON.stringify(raw)}`);
  const r = new ConfigFields(raw as Json, f.file);
  const kind = r.raw('rope_type') ?? r.raw('type');
  const allowed = type === 'llama' ? ['default', 'llama3'] : type === 'phi3' ? ['default', 'longrope'] : ['default'];
  if (typeof kind !== 'string' || !allowed.includes(kind)) {
    f.fail('rope_scaling', `rope_scaling type ${JSON.stringify(kind)} is not supported for ${type} (supported: ${allowed.join(', ')})`);
  }
  const sub = (k: string) => `rope_scaling.${k}`;
  const num = (k: string, fallback?: number, min = 0): number => {
    const v = r.has(k) ? r.raw(k) : fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= min) f.fail(sub(k), `'${sub(k)}' must be a number > ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  if (kind === 'default') return { type: 'default' };
  if (kind === 'llama3') {
    const low = num('low_freq_factor');
    const high = num('high_freq_factor');
    if (!(high > low)) f.fail(sub('high_freq_factor'), `'rope_scaling.high_freq_factor' (${high}) must exceed low_freq_factor (${low})`);
    const orig = num('original_max_position_embeddings');
    if (!Number.isInteger(orig)) f.fail(sub('original_max_position_embeddings'), `must be an integer, got ${orig}`);
    return { type: 'llama3', factor: num('factor'), lowFreqFactor: low, highFreqFactor: high, originalMaxPositionEmbeddings: orig };
  }
  // longrope (transformers' _compute_longrope_parameters): the original context length is the top-level
  // original_max_position_embeddings; factor = max_position_embeddings / original; attention factor defaults
  // to sqrt(1 + ln(factor) / ln(original)).
  const orig = f.has('original_max_position_embeddings') ? f.int('original_max_position_embeddings') : maxPositions;
  const factor = f.has('original_max_position_embeddings') ? maxPositions / orig : num('factor', 1);
  const attentionFactor = r.has('attention_factor') ? num('attention_factor') : factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(orig));
  return {
    type: 'longrope',
    shortFactor: r.numberList(r.raw('short_factor'), sub('short_factor'), rotaryDim / 2),
    longFactor: r.numberList(r.raw('long_factor'), sub('long_factor'), rotaryDim / 2),
    originalMaxPositionEmbeddings: orig,
    attentionFactor,
  };
}
