/**
 * Prefix-tuning options with PEFT's `PrefixTuningConfig` keys. `token_dim` and `num_attention_heads`
 * follow PEFT's `_prepare_prompt_learning_config`, including its grouped-query rule (PEFT #1901): for a
 * model whose config has `num_key_value_heads` (every HF Llama), token_dim = kvHeads·headDim and
 * num_attention_heads = kvHeads, because the prefix is a past_key_values entry per kv head.
 * @module
 */
import { FishTuningError, peftTaskType, resolveLayers, type ModelFacts, type PeftConfigBase } from '@fish-tuning/core';

export interface PrefixConfig extends PeftConfigBase {
  peft_type: 'PREFIX_TUNING';
  task_type: string | null;
  num_virtual_tokens: number;
  token_dim: number;
  num_transformer_submodules: 1;
  num_attention_heads: number;
  num_layers: number;
  encoder_hidden_size: number;
  prefix_projection: boolean;
  /**
   * fish-tuning extension: the layers that get a prefix (the paper's "top n layers"); absent = all, as
   * in PEFT. Written only when set, and then the table holds one key/value block per listed layer —
   * a layout Python PEFT (which has no per-layer prefix) cannot load.
   */
  layers_to_transform?: number[];
}

export interface PrefixOptions {
  /** Prefix length l (paper: 30). */
  num_virtual_tokens?: number;
  /** Use PEFT's reparameterisation MLP (Embedding → Linear → tanh → Linear). */
  prefix_projection?: boolean;
  /** Hidden width of that MLP (PEFT default: token_dim). */
  encoder_hidden_size?: number;
  /** Layers that get a prefix: indices, 'top:n', 'all' (default), as core's resolveLayers reads them. */
  layers?: string | readonly number[] | null;
  task_type?: string | null;
  base_model_name_or_path?: string | null;
}

const KNOWN = new Set(['num_virtual_tokens', 'prefix_projection', 'encoder_hidden_size', 'layers', 'task_type', 'base_model_name_or_path']);

function positiveInt(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new FishTuningError(`expected a positive integer, got ${JSON.stringify(value)}`, { option });
  return value;
}

/** Fills PEFT's derived fields from the model's dims and checks the options (errors name the option). */
export function prefixConfig(options: PrefixOptions, model: ModelFacts): PrefixConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new FishTuningError(`unknown prefix-tuning option (known: ${[...KNOWN].join(', ')})`, { option: key });
  }
  const l = positiveInt(options.num_virtual_tokens ?? 30, 'num_virtual_tokens');
  if (options.prefix_projection !== undefined && typeof options.prefix_projection !== 'boolean') {
    throw new FishTuningError(`expected true or false, got ${JSON.stringify(options.prefix_projection)}`, { option: 'prefix_projection' });
  }
  const { numKvHeads, headDim, numLayers } = model.dims;
  // BERT configs have no num_key_value_heads, so kvHeads = heads there and the rule is the identity.
  const tokenDim = numKvHeads * headDim;
  const layers = resolveLayers(options.layers ?? null, numLayers, 'layers');
  return {
    peft_type: 'PREFIX_TUNING',
    task_type: options.task_type ?? peftTaskType(model.task),
    base_model_name_or_path: options.base_model_name_or_path ?? null,
    inference_mode: false,
    num_virtual_tokens: l,
    token_dim: tokenDim,
    num_transformer_submodules: 1,
    num_attention_heads: numKvHeads,
    num_layers: numLayers,
    encoder_hidden_size: positiveInt(options.encoder_hidden_size ?? tokenDim, 'encoder_hidden_size'),
    prefix_projection: options.prefix_projection ?? false,
    ...(layers && layers.length < numLayers ? { layers_to_transform: layers } : {}),
  };
}

/** A saved adapter_config.json, checked against the model it is loaded into (errors name `file`). */
export function prefixConfigFromJson(json: PeftConfigBase, model: ModelFacts, file?: string): PrefixConfig {
  if (json.peft_type !== 'PREFIX_TUNING') throw new FishTuningError(`expected peft_type 'PREFIX_TUNING', got ${JSON.stringify(json.peft_type)}`, { file, option: 'peft_type' });
  const layers = json.layers_to_transform as number[] | undefined;
  let expected: PrefixConfig;
  try {
    expected = prefixConfig({ num_virtual_tokens: json.num_virtual_tokens as number, ...(layers ? { layers } : {}) }, model);
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message, { file, option: e.option });
    throw e;
  }
  for (const key of ['token_dim', 'num_attention_heads', 'num_layers'] as const) {
    if (json[key] !== expected[key]) throw new FishTuningError(`${key} ${JSON.stringify(json[key])} does not fit this model (expected ${expected[key]})`, { file, option: key });
  }
  if ((json.num_transformer_submodules ?? 1) !== 1) throw new FishTuningError(`only 1 transformer submodule (no encoder-decoder) is supported, got ${JSON.stringify(json.num_transformer_submodules)}`, { file, option: 'num_transformer_submodules' });
  return { ...expected, ...json, num_transformer_submodules: 1 } as PrefixConfig;
}
