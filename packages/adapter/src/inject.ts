/**
 * Injecting Houlsby adapters: every targeted output projection is wrapped in an {@link AdapterLayer}
 * through core's injectModules. Tensors are named after the module paths:
 * `base_model.model.<path>.adapter_down.weight` / `.adapter_down.bias` / `.adapter_up.weight` / `.adapter_up.bias`.
 * @module
 */
import {
  injectModules,
  isLinearLike,
  layerIndexOf,
  peftTensorName,
  type LinearLike,
  type PeftTargetModel,
  type Rng,
  WrappingAdapter,
} from '@fish-tuning/core';
import { bottleneckSize, type AdapterConfig } from './config.js';
import { AdapterLayer } from './layer.js';

export class BottleneckAdapter extends WrappingAdapter<AdapterConfig, AdapterLayer> {
  constructor(config: AdapterConfig, model: PeftTargetModel, rng: Rng) {
    const injections = injectModules(
      model,
      { target_modules: config.target_modules, layers_to_transform: config.layers_to_transform },
      isLinearLike,
      (_path, module) => {
        const base = module as LinearLike;
        return new AdapterLayer(base, bottleneckSize(config, base.outFeatures), config.non_linearity, config.adapter_bias, config.init_std, rng);
      },
    );
    // Every added tensor (both projections and, when used, their biases) is a FISH candidate.
    const params = injections.flatMap(({ path, replacement }) =>
      replacement.variables().map(([suffix, variable]) => ({
        name: peftTensorName(path, suffix),
        variable,
        module: path,
        role: suffix.replace('.weight', '').replace('.bias', '_bias'),
        layer: layerIndexOf(path),
        fishCandidate: true,
      })),
    );
    super(config, model, injections, params);
  }
}

export function injectAdapter(model: PeftTargetModel, config: AdapterConfig, rng: Rng): BottleneckAdapter {
  return new BottleneckAdapter(config, model, rng);
}
