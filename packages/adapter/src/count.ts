/**
 * Bottleneck-adapter parameter counts from dimensions: per adapter 2·d·r (+ r + d with biases),
 * two adapters per layer (after attention and after the feed-forward block), r = floor(d / reduction_factor).
 * @module
 */
import type { ModelDims } from '@fish-tuning/core';

export function adapterParameterCount(dims: Pick<ModelDims, 'hiddenSize'>, layers: number, reductionFactor: number, bias = true, perLayer = 2): number {
  const d = dims.hiddenSize;
  const r = Math.max(1, Math.floor(d / reductionFactor));
  return layers * perLayer * (2 * d * r + (bias ? r + d : 0));
}
