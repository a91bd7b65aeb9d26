/**
 * UniPELT options: one sub-config per part (LoRA, bottleneck adapter, prefix), each in its own package's
 * keys, combined as AdapterHub's `UniPELTConfig` does (LoRA r=8 on the query/value projections, prefix
 * l=10, one adapter after the feed-forward block with reduction_factor 16), all gated.
 * Saved as peft_type "FISH_UNIPELT" (no PEFT equivalent exists).
 * @module
 */
import { FishTuningError, defaultTargets, modulesToSave, peftTaskType, resolveLayers, type PeftConfigBase, type PeftTargetModel } from '@fish-tuning/core';
import { loraConfig, readLoraJson, type LoraConfig, type LoraOptions } from '@fish-tuning/lora';
import { adapterConfig, adapterConfigFromJson, type AdapterConfig, type AdapterOptions } from '@fish-tuning/adapter';
import { prefixConfig, type PrefixConfig, type PrefixOptions } from '@fish-tuning/prefix';

export interface UnipeltConfig extends PeftConfigBase {
  peft_type: 'FISH_UNIPELT';
  task_type: string | null;
  /** Layers holding LoRA, adapters and the prefix (null: all). */
  layers_to_transform: number[] | null;
  lora: LoraConfig;
  adapter: AdapterConfig;
  prefix: PrefixConfig;
  /** Whether the gate weights are FISH candidates (default false: gates are always trained in full). */
  fish_gates: boolean;
  /** The classifier head for classification (trained and saved with the adapter). */
  modules_to_save: string[] | null;
}

export interface UnipeltOptions {
  layers?: string | readonly number[] | null;
  lora?: LoraOptions;
  adapter?: AdapterOptions;
  prefix?: PrefixOptions;
  fish_gates?: boolean;
  modules_to_save?: string[] | null;
  task_type?: string | null;
}

const KNOWN = new Set(['layers', 'lora', 'adapter', 'prefix', 'fish_gates', 'modules_to_save', 'task_type']);

function wrap<T>(part: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FishTuningError && e.option) throw new FishTuningError(e.message, { option: `${part}.${e.option}` });
    throw e;
  }
}

function wrapFile<T>(file: string | undefined, part: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FishTuningError) throw new FishTuningError(e.message.replace(/^.*?: /, ''), { file, option: `${part}.${e.option ?? part}` });
    throw e;
  }
}

export function unipeltConfig(options: UnipeltOptions, model: PeftTargetModel): UnipeltConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new FishTuningError(`unknown UniPELT option (known: ${[...KNOWN].join(', ')})`, { option: key });
  }
  if (options.fish_gates !== undefined && typeof options.fish_gates !== 'boolean') throw new FishTuningError(`expected true or false, got ${JSON.stringify(options.fish_gates)}`, { option: 'fish_gates' });
  for (const part of ['lora', 'adapter', 'prefix'] as const) {
    const o = options[part] as Record<string, unknown> | undefined;
    if (o && ('layers' in o || 'layers_to_transform' in o)) throw new FishTuningError('set layers once, at the top level', { option: `${part}.layers` });
  }
  const layers = resolveLayers(options.layers ?? null, model.dims.numLayers, 'layers');
  const task_type = options.task_type ?? peftTaskType(model.task);
  // AdapterHub's UniPELT adapter is a single sequential bottleneck after the feed-forward output (the family table's 'unipelt_adapter').
  const adapterTargets = options.adapter?.target_modules ?? defaultTargets(model.modelType, 'unipelt_adapter').target_modules;
  const lora = wrap('lora', () => loraConfig({ r: 8, lora_alpha: 16, ...options.lora, layers: layers ?? 'all', task_type, modules_to_save: null }, model));
  const adapter = wrap('adapter', () => adapterConfig({ reduction_factor: 16, non_linearity: 'relu', target_modules: adapterTargets, ...options.adapter, layers: layers ?? 'all', task_type, modules_to_save: null }, model));
  const prefix = wrap('prefix', () => prefixConfig({ num_virtual_tokens: 10, ...options.prefix, ...(layers ? { layers } : {}), task_type }, model));
  return { peft_type: 'FISH_UNIPELT', task_type, inference_mode: false, base_model_name_or_path: null, layers_to_transform: layers, lora, adapter, prefix, fish_gates: options.fish_gates ?? false,
    modules_to_save: modulesToSave(options.modules_to_save, model.task),
  };
}

/** Checks a saved adapter_config.json against `model` and returns it typed (errors name `file`). */
export function unipeltConfigFromJson(json: PeftConfigBase, model: PeftTargetModel, file?: string): UnipeltConfig {
  if (json.peft_type !== 'FISH_UNIPELT') throw new FishTuningError(`expected peft_type 'FISH_UNIPELT', got ${JSON.stringify(json.peft_type)}`, { file, option: 'peft_type' });
  for (const part of ['lora', 'adapter', 'prefix'] as const) {
    if (!json[part] || typeof json[part] !== 'object') throw new FishTuningError(`missing the '${part}' sub-config`, { file, option: part });
  }
  // The LoRA and adapter parts must pass their own packages' checks (a bad field is refused, naming the part).
  wrapFile(file, 'lora', () => readLoraJson(json.lora as PeftConfigBase, model, file));
  wrapFile(file, 'adapter', () => adapterConfigFromJson(json.adapter as PeftConfigBase, model, file));
  const prefix = json.prefix as PrefixConfig;
  const expected = prefixConfig({ num_virtual_tokens: prefix.num_virtual_tokens, ...(prefix.layers_to_transform ? { layers: prefix.layers_to_transform } : {}) }, model);
  if (prefix.token_dim !== expected.token_dim || prefix.num_layers !== expected.num_layers) {
    throw new FishTuningError(`prefix token_dim/num_layers ${prefix.token_dim}/${prefix.num_layers} do not fit this model (${expected.token_dim}/${expected.num_layers})`, { file, option: 'prefix' });
  }
  return { modules_to_save: null, ...json } as UnipeltConfig;
}
