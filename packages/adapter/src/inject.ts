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
import { AdapterLayer, type AdapterLayerOptions } from './layer.js';

/** Builds the layer for one target (UniPELT passes a gated subclass). */
export type AdapterLayerFactory<L extends AdapterLayer = AdapterLayer> = (base: LinearLike, options: AdapterLayerOptions, rng: Rng, path: string) => L;

export const createAdapterLayer: AdapterLayerFactory = (base, options, rng) => new AdapterLayer(base, options.bottleneck, options.nonLinearity, options.bias, options.initStd, rng);

export class BottleneckAdapter<L extends AdapterLayer = AdapterLayer> extends WrappingAdapter<AdapterConfig, L> {
  constructor(config: AdapterConfig, model: PeftTargetModel, rng: Rng, factory: AdapterLayerFactory<L> = createAdapterLayer as AdapterLayerFactory<never>) {
    const injections = injectModules(
      model,
      { target_modules: config.target_modules, layers_to_transform: config.layers_to_transform },
      isLinearLike,
      (path, module) => {
        const base = module as LinearLike;
        const options = { bottleneck: bottleneckSize(config, base.outFeatures), nonLinearity: config.non_linearity, bias: config.adapter_bias, initStd: config.init_std };
        return factory(base, options, rng, path);
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

/** Wraps the targeted output projections (in place); `dispose()` on the result undoes it. */
export function injectAdapter<L extends AdapterLayer = AdapterLayer>(model: PeftTargetModel, config: AdapterConfig, rng: Rng, factory?: AdapterLayerFactory<L>): BottleneckAdapter<L> {
  return new BottleneckAdapter<L>(config, model, rng, factory);
}
