/**
 * Bottleneck-adapter parameter counts from dimensions: per adapter 2·d·r (+ r + d with biases),
 * two adapters per layer (after attention and after the feed-forward block), r = floor(d / reduction_factor).
 * @module
 */
import { countParameters, isLinearLike, matchesTarget, namedModules, parameterCount, savedHeadParameters, type ModelDims, type ParameterCount, type PeftTargetModel } from '@fish-tuning/core';
import { bottleneckSize, type AdapterConfig } from './config.js';

export function adapterParameterCount(dims: Pick<ModelDims, 'hiddenSize'>, layers: number, reductionFactor: number, bias = true, perLayer = 2): number {
  const d = dims.hiddenSize;
  const r = Math.max(1, Math.floor(d / reductionFactor));
  return layers * perLayer * (2 * d * r + (bias ? r + d : 0));
}

/**
 * What `injectAdapter(model, config)` creates, from the targeted layers' widths (nothing allocated):
 * adapter_down [r, d] and adapter_up [d, r], their biases [r] and [d] with adapter_bias, and the saved head.
 */
export function countAdapter(config: AdapterConfig, model: PeftTargetModel): ParameterCount {
  const spec = { target_modules: config.target_modules, layers_to_transform: config.layers_to_transform };
  const byRole: Record<string, number> = { adapter_down: 0, adapter_up: 0, ...(config.adapter_bias ? { adapter_down_bias: 0, adapter_up_bias: 0 } : {}) };
  for (const [path, module] of namedModules(model)) {
    if (!matchesTarget(spec, path) || !isLinearLike(module)) continue;
    const d = module.outFeatures;
    const r = bottleneckSize(config, d);
    byRole.adapter_down += r * d;
    byRole.adapter_up += d * r;
    if (config.adapter_bias) {
      byRole.adapter_down_bias += r;
      byRole.adapter_up_bias += d;
    }
  }
  return parameterCount(byRole, countParameters(savedHeadParameters(config, model)));
}
