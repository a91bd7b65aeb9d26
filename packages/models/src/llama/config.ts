/**
 * Llama-family configuration: the fields of a Hugging Face `config.json` (LlamaConfig) that the
 * decoder uses, in camelCase, with the same defaults, plus conversion to and from the JSON form.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

export interface LlamaConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  /** Longest sequence the RoPE tables are built for (prefix included). */
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  tieWordEmbeddings: boolean;
  bosTokenId: number;
  eosTokenId: number;
}

export type LlamaConfigInput = Pick<LlamaConfig, 'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numHiddenLayers' | 'numAttentionHeads'> &
  Partial<LlamaConfig>;

/** Fills in LlamaConfig defaults and rejects inconsistent sizes, naming the field. */
export function llamaConfig(input: LlamaConfigInput, file?: string): LlamaConfig {
  const c: LlamaConfig = {
    numKeyValueHeads: input.numAttentionHeads,
    maxPositionEmbeddings: 2048,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    bosTokenId: 1,
    eosTokenId: 2,
    ...input,
  };
  const positive: Array<keyof LlamaConfig> = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numHiddenLayers', 'numAttentionHeads', 'numKeyValueHeads', 'maxPositionEmbeddings'];
  for (const k of positive) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v <= 0) throw new FishTuningError(`${String(k)} must be a positive integer, got ${v}`, { file, option: String(k) });
  }
  if (c.hiddenSize % c.numAttentionHeads !== 0) {
    throw new FishTuningError(`hiddenSize ${c.hiddenSize} is not divisible by numAttentionHeads ${c.numAttentionHeads}`, { file, option: 'numAttentionHeads' });
  }
  if (c.numAttentionHeads % c.numKeyValueHeads !== 0) {
    throw new FishTuningError(`numAttentionHeads ${c.numAttentionHeads} is not divisible by numKeyValueHeads ${c.numKeyValueHeads}`, { file, option: 'numKeyValueHeads' });
  }
  if ((c.hiddenSize / c.numAttentionHeads) % 2 !== 0) {
    throw new FishTuningError(`head dimension ${c.hiddenSize / c.numAttentionHeads} must be even for RoPE`, { file, option: 'hiddenSize' });
  }
  return c;
}

export function headDimOf(c: LlamaConfig): number {
  return c.hiddenSize / c.numAttentionHeads;
}

/** The Hugging Face `config.json` object for `c`. */
export function toHfConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    num_key_value_heads: c.numKeyValueHeads,
    max_position_embeddings: c.maxPositionEmbeddings,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    tie_word_embeddings: c.tieWordEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    torch_dtype: 'float32',
  };
}

/** Reads a Hugging Face `config.json` object; unsupported features are rejected by field name. */
export function fromHfConfigJson(json: Record<string, any>, file?: string): LlamaConfig {
  const need = (k: string): number => {
    const v = json[k];
    if (typeof v !== 'number') throw new FishTuningError(`missing or non-numeric field '${k}' (got ${JSON.stringify(v)})`, { file, option: k });
    return v;
  };
  if (json.model_type !== undefined && !['llama', 'mistral', 'qwen2'].includes(json.model_type)) {
    throw new FishTuningError(`model_type '${json.model_type}' is not a Llama-family decoder`, { file, option: 'model_type' });
  }
  if (json.hidden_act !== undefined && json.hidden_act !== 'silu') {
    throw new FishTuningError(`hidden_act '${json.hidden_act}' is not supported (only 'silu')`, { file, option: 'hidden_act' });
  }
  if (json.attention_bias === true || json.mlp_bias === true) {
    throw new FishTuningError('attention_bias / mlp_bias = true is not supported', { file, option: json.attention_bias ? 'attention_bias' : 'mlp_bias' });
  }
  if (json.rope_scaling != null) {
    throw new FishTuningError(`rope_scaling ${JSON.stringify(json.rope_scaling)} is not supported`, { file, option: 'rope_scaling' });
  }
  if (json.head_dim != null && json.head_dim !== json.hidden_size / json.num_attention_heads) {
    throw new FishTuningError(`head_dim ${json.head_dim} != hidden_size / num_attention_heads`, { file, option: 'head_dim' });
  }
  const eos = Array.isArray(json.eos_token_id) ? json.eos_token_id[0] : json.eos_token_id;
  try {
    return fromHfFields(json, eos, need, file);
  } catch (e) {
    // Name the config.json field (snake_case), not the camelCase option.
    if (e instanceof FishTuningError && e.option && !e.option.includes('_')) {
      const field = e.option.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
      throw new FishTuningError(e.message.replace(/^.*?: /, ''), { file, option: field });
    }
    throw e;
  }
}

function fromHfFields(json: Record<string, any>, eos: number | undefined, need: (k: string) => number, file?: string): LlamaConfig {
  return llamaConfig(
    {
      vocabSize: need('vocab_size'),
      hiddenSize: need('hidden_size'),
      intermediateSize: need('intermediate_size'),
      numHiddenLayers: need('num_hidden_layers'),
      numAttentionHeads: need('num_attention_heads'),
      numKeyValueHeads: json.num_key_value_heads ?? json.num_attention_heads,
      maxPositionEmbeddings: json.max_position_embeddings ?? 2048,
      rmsNormEps: json.rms_norm_eps ?? 1e-6,
      ropeTheta: json.rope_theta ?? 10000,
      tieWordEmbeddings: json.tie_word_embeddings ?? false,
      bosTokenId: json.bos_token_id ?? 1,
      eosTokenId: eos ?? 2,
    },
    file,
  );
}
