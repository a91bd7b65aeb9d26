/**
 * Prefix-tuning parameter counts from dimensions: l prefix positions × (key + value) × token_dim per
 * layer, token_dim = kvHeads·headDim (PEFT's grouped-query rule). The projection form adds its MLP.
 * @module
 */
import { countParameters, parameterCount, type ModelDims, type ParameterCount, type PeftTargetModel } from '@fish-tuning/core';
import type { PrefixConfig } from './config.js';

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

/**
 * What `injectPrefix(model, config)` creates (nothing allocated): the direct table prompt_embeddings
 * [l, layers·2·token_dim], or with prefix_projection the MLP's embedding, weights and biases; plus the
 * task head, which prefix-tuning always saves.
 */
export function countPrefix(config: PrefixConfig, model: PeftTargetModel): ParameterCount {
  const l = config.num_virtual_tokens;
  const td = config.token_dim;
  const out = (config.layers_to_transform?.length ?? config.num_layers) * 2 * td;
  const enc = config.encoder_hidden_size;
  const byRole: Record<string, number> = config.prefix_projection
    ? { 'embedding.weight': l * td, 'transform.0.weight': enc * td, 'transform.0.bias': enc, 'transform.2.weight': out * enc, 'transform.2.bias': out }
    : { prompt_embeddings: l * out };
  return parameterCount(byRole, countParameters(model.headParameters()));
}
