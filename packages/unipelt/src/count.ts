/**
 * UniPELT parameter counts from dimensions: LoRA (r·(in+out) per targeted projection), the adapter,
 * the prefix, and the gates (d+1 per LoRA/adapter gate, 2(d+1) per prefix gate).
 * @module
 */
import { Linear, countParameters, isLinearLike, matchesTarget, namedModules, parameterCount, savedHeadParameters, type ModelDims, type ParameterCount, type PeftTargetModel } from '@fish-tuning/core';
import { countLora } from '@fish-tuning/lora';
import { countAdapter } from '@fish-tuning/adapter';
import { countPrefix } from '@fish-tuning/prefix';
import type { UnipeltConfig } from './config.js';

export interface UnipeltCount {
  lora: number;
  adapter: number;
  prefix: number;
  gates: number;
  total: number;
}

/**
 * @param loraTargets targeted projections per layer as [in, out] (e.g. query and value: [[d, d], [d, d]]).
 * @param adaptersPerLayer bottleneck adapters per layer (1: AdapterHub's UniPELT, 2: Houlsby).
 */
export function unipeltParameterCount(
  dims: Pick<ModelDims, 'hiddenSize' | 'numLayers' | 'numKvHeads' | 'headDim'>,
  layers: number,
  settings: { r: number; loraTargets: Array<[number, number]>; reductionFactor: number; adaptersPerLayer: number; prefixLength: number; adapterBias?: boolean },
): UnipeltCount {
  const d = dims.hiddenSize;
  const lora = layers * settings.loraTargets.reduce((n, [i, o]) => n + settings.r * (i + o), 0);
  const rb = Math.max(1, Math.floor(d / settings.reductionFactor));
  const adapter = layers * settings.adaptersPerLayer * (2 * d * rb + (settings.adapterBias ?? true ? rb + d : 0));
  // LoRA, adapters and the prefix (with its gate) all live in the same `layers` layers.
  const prefix = settings.prefixLength * 2 * dims.numKvHeads * dims.headDim * layers;
  const gates = layers * settings.loraTargets.reduce((n, [i]) => n + i + 1, 0) + layers * settings.adaptersPerLayer * (d + 1) + layers * 2 * (d + 1);
  return { lora, adapter, prefix, gates, total: lora + adapter + prefix + gates };
}

/**
 * What `injectUnipelt(model, config)` creates (nothing allocated): the LoRA, adapter and prefix parts as
 * their own packages count them, one gate per LoRA layer (in + 1), per adapter (out + 1) and per prefixed
 * layer (2·(hidden + 1)), and the saved head once.
 */
export function countUnipelt(config: UnipeltConfig, model: PeftTargetModel): ParameterCount {
  const byRole: Record<string, number> = {
    ...countLora(config.lora, model).byRole,
    ...countAdapter(config.adapter, model).byRole,
    ...countPrefix(config.prefix, model).byRole,
    lora_gate: 0,
    adapter_gate: 0,
  };
  const lora = { target_modules: config.lora.target_modules, exclude_modules: config.lora.exclude_modules, layers_to_transform: config.lora.layers_to_transform };
  const adapter = { target_modules: config.adapter.target_modules, layers_to_transform: config.adapter.layers_to_transform };
  for (const [path, module] of namedModules(model)) {
    if (module instanceof Linear && matchesTarget(lora, path)) byRole.lora_gate += module.inFeatures + 1;
    if (isLinearLike(module) && matchesTarget(adapter, path)) byRole.adapter_gate += module.outFeatures + 1;
  }
  const prefixed = config.prefix.layers_to_transform?.length ?? config.prefix.num_layers;
  byRole.prefix_gate = prefixed * 2 * (model.dims.hiddenSize + 1);
  return parameterCount(byRole, countParameters(savedHeadParameters(config, model)));
}
