/**
 * Houlsby bottleneck-adapter options. PEFT has no such method, so the keys follow AdapterHub
 * (`reduction_factor`, `non_linearity`) and PEFT's targeting keys (`target_modules`,
 * `layers_to_transform`); `peft_type` is "FISH_ADAPTER" so that an adapter directory describes itself.
 * @module
 */
import { FishTuningError, defaultTargets, modulesToSave, peftTaskType, resolveLayers, type ModuleSelector, type PeftConfigBase, type PeftTargetModel } from '@fish-tuning/core';

export type AdapterNonLinearity = 'relu' | 'swish' | 'gelu' | 'tanh';
export const NON_LINEARITIES: readonly AdapterNonLinearity[] = ['relu', 'swish', 'gelu', 'tanh'];

export interface AdapterConfig extends PeftConfigBase {
  peft_type: 'FISH_ADAPTER';
  task_type: string | null;
  target_modules: ModuleSelector;
  layers_to_transform: number[] | null;
  /** Bottleneck r = floor(output width / reduction_factor). */
  reduction_factor: number;
  non_linearity: AdapterNonLinearity;
  adapter_bias: boolean;
  /** Std of the down projection's normal init; the up projection starts at zero (identity adapter). */
  init_std: number;
  /** Extra modules trained and saved with the adapter (default: the classifier head for classification). */
  modules_to_save: string[] | null;
}

export interface AdapterOptions {
  target_modules?: ModuleSelector;
  /** 'all', 'top:n', '0,3' or indices (the paper: top 1–4 layers). */
  layers?: string | readonly number[] | null;
  reduction_factor?: number;
  /** Alternative to reduction_factor: the bottleneck size itself (stored as reduction_factor = width / size). */
  bottleneck_size?: number;
  non_linearity?: AdapterNonLinearity;
  adapter_bias?: boolean;
  init_std?: number;
  modules_to_save?: string[] | null;
  task_type?: string | null;
  base_model_name_or_path?: string | null;
}

const KNOWN = new Set(['target_modules', 'layers', 'reduction_factor', 'bottleneck_size', 'non_linearity', 'adapter_bias', 'init_std', 'modules_to_save', 'task_type', 'base_model_name_or_path']);

/**
 * Fills AdapterHub's defaults (reduction_factor 16, swish, biases, init_std 1e-2) and the family's
 * placement from core's model-family table (Houlsby's two places per layer: after the attention output
 * projection and after the feed-forward output), and checks every option (errors name the option).
 */
export function adapterConfig(options: AdapterOptions, model: PeftTargetModel): AdapterConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new FishTuningError(`unknown adapter option (known: ${[...KNOWN].join(', ')})`, { option: key });
  }
  const width = model.dims.hiddenSize;
  if (options.reduction_factor !== undefined && options.bottleneck_size !== undefined) {
    throw new FishTuningError('give reduction_factor or bottleneck_size, not both', { option: 'bottleneck_size' });
  }
  let reduction = options.reduction_factor ?? 16;
  if (options.bottleneck_size !== undefined) {
    const r = options.bottleneck_size;
    if (!Number.isInteger(r) || r < 1 || r > width) throw new FishTuningError(`expected an integer in 1..${width}, got ${JSON.stringify(r)}`, { option: 'bottleneck_size' });
    reduction = width / r;
  }
  if (typeof reduction !== 'number' || !(reduction > 0) || Math.floor(width / reduction) < 1) {
    throw new FishTuningError(`expected a number in (0, ${width}] (bottleneck = ${width} / reduction_factor ≥ 1), got ${JSON.stringify(reduction)}`, { option: 'reduction_factor' });
  }
  const nl = options.non_linearity ?? 'swish';
  if (!NON_LINEARITIES.includes(nl)) throw new FishTuningError(`expected one of ${NON_LINEARITIES.join(', ')}, got ${JSON.stringify(nl)}`, { option: 'non_linearity' });
  const std = options.init_std ?? 1e-2;
  if (typeof std !== 'number' || !(std >= 0)) throw new FishTuningError(`expected a number ≥ 0, got ${JSON.stringify(std)}`, { option: 'init_std' });
  if (options.adapter_bias !== undefined && typeof options.adapter_bias !== 'boolean') throw new FishTuningError(`expected true or false, got ${JSON.stringify(options.adapter_bias)}`, { option: 'adapter_bias' });
  const target = options.target_modules ?? defaultTargets(model.modelType, 'adapter').target_modules;
  if ((typeof target !== 'string' && !Array.isArray(target)) || target.length === 0) throw new FishTuningError(`expected a regex or a non-empty list, got ${JSON.stringify(target)}`, { option: 'target_modules' });
  return {
    peft_type: 'FISH_ADAPTER',
    task_type: options.task_type ?? peftTaskType(model.task),
    base_model_name_or_path: options.base_model_name_or_path ?? null,
    inference_mode: false,
    target_modules: Array.isArray(target) ? [...target] : target,
    layers_to_transform: resolveLayers(options.layers ?? null, model.dims.numLayers, 'layers'),
    reduction_factor: reduction,
    non_linearity: nl,
    adapter_bias: options.adapter_bias ?? true,
    init_std: std,
    modules_to_save: modulesToSave(options.modules_to_save, model.task),
  };
}

/** Options back from a saved adapter_config.json. */
function adapterOptionsFromJson(json: PeftConfigBase, file?: string): AdapterOptions {
  if (json.peft_type !== 'FISH_ADAPTER') throw new FishTuningError(`expected peft_type 'FISH_ADAPTER', got ${JSON.stringify(json.peft_type)}`, { file, option: 'peft_type' });
  return {
    target_modules: json.target_modules as ModuleSelector,
    layers: (json.layers_to_transform as number[] | null) ?? null,
    reduction_factor: json.reduction_factor as number,
    non_linearity: json.non_linearity as AdapterNonLinearity,
    adapter_bias: json.adapter_bias as boolean,
    init_std: json.init_std as number,
    modules_to_save: (json.modules_to_save as string[] | null | undefined) ?? null,
    task_type: (json.task_type as string | null) ?? null,
    base_model_name_or_path: json.base_model_name_or_path ?? null,
  };
}

/** A saved adapter_config.json, checked against `model` as user options are (errors name `file`). */
export function adapterConfigFromJson(json: PeftConfigBase, model: PeftTargetModel, file?: string): AdapterConfig {
  const options = adapterOptionsFromJson(json, file);
  try {
    return adapterConfig(options, model);
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message, { file, option: e.option });
    throw e;
  }
}

/** Bottleneck size for a module of output width `width`. */
export function bottleneckSize(config: Pick<AdapterConfig, 'reduction_factor'>, width: number): number {
  return Math.max(1, Math.floor(width / config.reduction_factor));
}
