/**
 * LoRA's adapter_config.json: PEFT's `LoraConfig` keys (snake_case, so a saved config loads in Python
 * PEFT unchanged) and `loraConfig()`, which fills PEFT's defaults and rejects bad options by name.
 * @module
 */
import {
  FishTuningError,
  defaultTargets,
  modulesToSave,
  peftTaskType,
  resolveLayers,
  type ModelFacts,
  type ModuleSelector,
  type PeftConfigBase,
} from '@fish-tuning/core';

/** PEFT's `init_lora_weights`: true = Kaiming-uniform A / zero B, 'gaussian', 'pissa'; false = random A and B (tests). */
export type LoraInit = boolean | 'gaussian' | 'pissa';

/** The LoRA keys of adapter_config.json. */
export interface LoraFields {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: ModuleSelector;
  /** Written only when set: PEFT < 0.14 rejects configs that contain this key. */
  exclude_modules?: ModuleSelector | null;
  layers_to_transform: number[] | null;
  layers_pattern: string | null;
  bias: 'none';
  fan_in_fan_out: false;
  init_lora_weights: LoraInit;
  use_rslora: boolean;
  use_dora: boolean;
  modules_to_save: string[] | null;
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  /** Never written (always false here): PEFT < 0.14 rejects configs that contain this key. */
  lora_bias?: false;
  revision: string | null;
}

export interface LoraConfig extends PeftConfigBase, LoraFields {
  peft_type: 'LORA';
  task_type: string | null;
  base_model_name_or_path: string | null;
  inference_mode: boolean;
}

/** What a user passes: any LoraConfig key, plus `layers` ('all', 'top:n', '0,3' or indices) for layers_to_transform. */
export type LoraOptions = Partial<LoraFields> & {
  peft_type?: string;
  task_type?: string | null;
  base_model_name_or_path?: string | null;
  inference_mode?: boolean;
  layers?: string | readonly number[] | null;
};

/**
 * What the config reads from a model. `family` is the former name of `modelType`, still accepted from
 * callers that describe a model by hand (deprecated: pass `modelType`).
 */
export type LoraModelFacts = Pick<ModelFacts, 'task' | 'dims'> & ({ modelType: string } | { /** @deprecated use modelType */ family: string });

function modelTypeOf(model: LoraModelFacts): string {
  return 'modelType' in model ? model.modelType : model.family;
}

const KNOWN_KEYS = new Set([
  'peft_type', 'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'exclude_modules', 'layers_to_transform', 'layers_pattern',
  'bias', 'fan_in_fan_out', 'init_lora_weights', 'use_rslora', 'use_dora', 'modules_to_save', 'rank_pattern', 'alpha_pattern',
  'lora_bias', 'task_type', 'base_model_name_or_path', 'inference_mode', 'revision', 'layers', 'auto_mapping',
  'megatron_config', 'megatron_core', 'loftq_config', 'layer_replication', 'runtime_config', 'eva_config', 'corda_config',
  'use_qalora', 'qalora_group_size', 'trainable_token_indices', 'target_parameters', 'lora_ga_config', 'peft_version',
]);

function fail(option: string, message: string): never {
  throw new FishTuningError(message, { option });
}

/**
 * Fills PEFT's defaults (r 8, lora_alpha 8, dropout 0, Kaiming-uniform init, the model family's default targets)
 * and validates. `model` supplies the default targets, task_type and the layer count for `layers: 'top:n'`.
 */
export function loraConfig(options: LoraOptions = {}, model?: LoraModelFacts): LoraConfig {
  for (const key of Object.keys(options)) if (!KNOWN_KEYS.has(key)) fail(key, `unknown LoRA option '${key}'`);
  if (options.peft_type !== undefined && options.peft_type !== 'LORA') fail('peft_type', `expected 'LORA', got '${options.peft_type}'`);
  const r = options.r ?? 8;
  if (!Number.isInteger(r) || r < 1) fail('r', `rank must be a positive integer, got ${r}`);
  const alpha = options.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) fail('lora_alpha', `must be a positive number, got ${alpha}`);
  const dropout = options.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) fail('lora_dropout', `must be in [0, 1), got ${dropout}`);
  const init = options.init_lora_weights ?? true;
  if (!(init === true || init === false || init === 'gaussian' || init === 'pissa')) {
    fail('init_lora_weights', `expected true, false, 'gaussian' or 'pissa', got ${JSON.stringify(init)}`);
  }
  if ((options.bias ?? 'none') !== 'none') fail('bias', `only 'none' is supported, got '${options.bias}'`);
  if (options.fan_in_fan_out) fail('fan_in_fan_out', 'fish-tuning models store weights as [out, in]; fan_in_fan_out must be false');
  if (options.lora_bias) fail('lora_bias', 'lora_bias is not supported');
  for (const key of ['rank_pattern', 'alpha_pattern'] as const) {
    if (options[key] && Object.keys(options[key]!).length) fail(key, `${key} is not supported (one rank for all layers)`);
  }
  // LoRA and DoRA share PEFT's LoRA defaults (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING).
  const targets = options.target_modules ?? (model ? defaultTargets(modelTypeOf(model), 'lora').target_modules : undefined);
  if (!targets || (Array.isArray(targets) && targets.length === 0)) fail('target_modules', 'no target_modules given and no default for this model');

  let layers: number[] | null = null;
  if (options.layers !== undefined && options.layers !== null) {
    if (options.layers_to_transform != null) fail('layers', "give either 'layers' or 'layers_to_transform', not both");
    const text = typeof options.layers === 'string' ? options.layers : null;
    if (text && text !== 'all' && !/^\d+(,\d+)*$/.test(text) && !model) fail('layers', `'${text}' needs the model's layer count`);
    layers = resolveLayers(options.layers, model?.dims.numLayers ?? Number.MAX_SAFE_INTEGER, 'layers');
  } else if (options.layers_to_transform != null) {
    const raw = options.layers_to_transform as unknown;
    const list = typeof raw === 'number' ? [raw] : Array.isArray(raw) ? raw : fail('layers_to_transform', `expected a list of layer indices, got ${JSON.stringify(raw)}`);
    layers = resolveLayers(list as number[], model?.dims.numLayers ?? Number.MAX_SAFE_INTEGER, 'layers_to_transform');
  }

  return {
    peft_type: 'LORA',
    task_type: options.task_type ?? peftTaskType(model?.task),
    base_model_name_or_path: options.base_model_name_or_path ?? null,
    revision: options.revision ?? null,
    inference_mode: options.inference_mode ?? false,
    r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    target_modules: Array.isArray(targets) ? [...targets] : (targets as string),
    ...(options.exclude_modules ? { exclude_modules: options.exclude_modules } : {}),
    layers_to_transform: layers,
    layers_pattern: options.layers_pattern ?? null,
    bias: 'none',
    fan_in_fan_out: false,
    init_lora_weights: init,
    use_rslora: options.use_rslora ?? false,
    use_dora: options.use_dora ?? false,
    modules_to_save: modulesToSave(options.modules_to_save ?? undefined, model?.task),
    rank_pattern: {},
    alpha_pattern: {},
  };
}

/** PEFT's scaling: lora_alpha / r, or lora_alpha / √r with rsLoRA. */
export function loraScaling(config: Pick<LoraConfig, 'r' | 'lora_alpha' | 'use_rslora'>): number {
  return config.use_rslora ? config.lora_alpha / Math.sqrt(config.r) : config.lora_alpha / config.r;
}

const JSON_KEYS: Array<keyof LoraOptions> = [
  'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'exclude_modules', 'layers_to_transform', 'layers_pattern', 'bias',
  'fan_in_fan_out', 'init_lora_weights', 'use_rslora', 'use_dora', 'modules_to_save', 'rank_pattern', 'alpha_pattern',
  'lora_bias', 'task_type', 'base_model_name_or_path', 'inference_mode', 'revision',
];

/**
 * A saved PEFT LoRA adapter_config.json (plain or DoRA) back as a LoraConfig: PEFT's bookkeeping keys are
 * ignored, unsupported values are rejected naming `file`. DoRA's loader builds on this (see @fish-tuning/dora).
 */
export function readLoraJson(json: PeftConfigBase, model: LoraModelFacts, file?: string): LoraConfig {
  if (json.peft_type !== 'LORA') throw new FishTuningError(`peft_type is '${json.peft_type}', expected 'LORA'`, { file, option: 'peft_type' });
  const options: Record<string, unknown> = {};
  for (const key of JSON_KEYS) if (Object.prototype.hasOwnProperty.call(json, key) && json[key] !== undefined && json[key] !== null) options[key] = json[key];
  try {
    return loraConfig(options as LoraOptions, model);
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message, { file, option: e.option });
    throw e;
  }
}

/** A plain-LoRA config from a saved adapter_config.json (errors name `file`); a DoRA config is refused. */
export function loraConfigFromJson(json: PeftConfigBase, model: LoraModelFacts, file?: string): LoraConfig {
  const config = readLoraJson(json, model, file);
  if (config.use_dora) {
    throw new FishTuningError("this is a DoRA adapter (use_dora: true): load it with @fish-tuning/dora (registerDora(), then loadAdapter; or doraTuner)", { file, option: 'use_dora' });
  }
  return config;
}
