/**
 * Trainable-parameter counts from model dimensions alone (for the paper's Table 1 comparison):
 * l_k and l_v have one entry per key/value output feature, l_ff one per feed-forward hidden unit.
 * @module
 */
import type { ModelDims } from '@fish-tuning/core';

/** (IA)^3 entries per transformer layer: kvHeads·headDim (l_k) + kvHeads·headDim (l_v) + intermediate (l_ff). */
export function ia3ParametersPerLayer(dims: Pick<ModelDims, 'numKvHeads' | 'headDim' | 'intermediateSize'>): number {
  return 2 * dims.numKvHeads * dims.headDim + dims.intermediateSize;
}

/** Entries when (IA)^3 is applied to `layers` transformer layers (e.g. the top 3). */
export function ia3ParameterCount(dims: Pick<ModelDims, 'numKvHeads' | 'headDim' | 'intermediateSize'>, layers: number): number {
  return layers * ia3ParametersPerLayer(dims);
}
