/**
 * Prefix-tuning parameter counts from dimensions: l prefix positions × (key + value) × token_dim per
 * layer, token_dim = kvHeads·headDim (PEFT's grouped-query rule). The projection form adds its MLP.
 * @module
 */
import type { ModelDims } from '@fish-tuning/core';

type Dims = Pick<ModelDims, 'numKvHeads' | 'headDim'>;

/** Direct form: l·2·token_dim per layer with a prefix. */
export function prefixParameterCount(dims: Dims, length: number, layers: number): number {
  return length * 2 * dims.numKvHeads * dims.headDim * layers;
}

/** Projection form (training-time parameters): Embedding(l, td) + Linear(td, enc) + Linear(enc, 2L·td). */
export function prefixProjectionParameterCount(dims: Dims, length: number, layers: number, encoderHidden: number): number {
  const td = dims.numKvHeads * dims.headDim;
  const out = layers * 2 * td;
  return length * td + (td * encoderHidden + encoderHidden) + (encoderHidden * out + out);
}
