/**
 * Trainable-parameter counts from model dimensions alone (for the paper's Table 1 comparison):
 * l_k and l_v have one entry per key/value output feature, l_ff one per feed-forward hidden unit.
 * @module
 */
import { countParameters, isLinearLike, matchesTarget, namedModules, parameterCount, savedHeadParameters, type ModelDims, type ParameterCount, type PeftTargetModel } from '@fish-tuning/core';
import type { Ia3Config } from './config.js';

/** (IA)^3 entries per transformer layer: kvHeads·headDim (l_k) + kvHeads·headDim (l_v) + intermediate (l_ff). */
export function ia3ParametersPerLayer(dims: Pick<ModelDims, 'numKvHeads' | 'headDim' | 'intermediateSize'>): number {
  return 2 * dims.numKvHeads * dims.headDim + dims.intermediateSize;
}

/** Entries when (IA)^3 is applied to `layers` transformer layers (e.g. the top 3). */
export function ia3ParameterCount(dims: Pick<ModelDims, 'numKvHeads' | 'headDim' | 'intermediateSize'>, layers: number): number {
  return layers * ia3ParametersPerLayer(dims);
}

/**
 * What `injectIa3(model, config)` creates, from the targeted layers' shapes (nothing allocated): one
 * ia3_l entry per output feature, or per input feature for the feed-forward modules, and the saved head.
 */
export function countIa3(config: Ia3Config, model: PeftTargetModel): ParameterCount {
  const ff = config.feedforward_modules;
  const isFf = (path: string) => (Array.isArray(ff) && ff.length === 0 ? false : matchesTarget({ target_modules: ff }, path));
  let entries = 0;
  for (const [path, module] of namedModules(model)) {
    if (!matchesTarget({ target_modules: config.target_modules }, path) || !isLinearLike(module)) continue;
    entries += isFf(path) ? module.inFeatures : module.outFeatures;
  }
  return parameterCount({ ia3_l: entries }, countParameters(savedHeadParameters(config, model)));
}
