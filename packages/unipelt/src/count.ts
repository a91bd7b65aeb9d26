/**
 * UniPELT parameter counts from dimensions: LoRA (r·(in+out) per targeted projection), the adapter,
 * the prefix, and the gates (d+1 per LoRA/adapter gate, 2(d+1) per prefix gate).
 * @module
 */
import type { ModelDims } from '@fish-tuning/core';

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
