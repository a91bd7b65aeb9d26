/**
 * Injecting Houlsby adapters: every targeted output projection is wrapped in an {@link AdapterLayer}
 * through core's injectModules. Tensors are named after the module paths:
 * `base_model.model.<path>.adapter_down.weight` / `.adapter_down.bias` / `.adapter_up.weight` / `.adapter_up.bias`.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  assignParameters,
  parametersStateDict,
  savedHeadParameters,
  injectModules,
  isLinearLike,
  layerIndexOf,
  peftTensorName,
  restoreModules,
  type DecodedTensor,
  type Injection,
  type LinearLike,
  type PeftAdapter,
  type PeftTargetModel,
  type Rng,
  type TrainableParameter,
} from '@fish-tuning/core';
import { bottleneckSize, type AdapterConfig } from './config.js';
import { AdapterLayer } from './layer.js';

export class BottleneckAdapter implements PeftAdapter<AdapterConfig> {
  readonly targetedModules: readonly string[];
  readonly layers: ReadonlyMap<string, AdapterLayer>;
  private readonly injections: Injection<AdapterLayer>[];
  private readonly params: TrainableParameter[];

  constructor(
    readonly config: AdapterConfig,
    readonly model: PeftTargetModel,
    rng: Rng,
  ) {
    this.injections = injectModules(
      model,
      { target_modules: config.target_modules, layers_to_transform: config.layers_to_transform },
      isLinearLike,
      (_path, module) => {
        const base = module as LinearLike;
        return new AdapterLayer(base, bottleneckSize(config, base.outFeatures), config.non_linearity, config.adapter_bias, config.init_std, rng);
      },
    );
    this.targetedModules = this.injections.map((i) => i.path);
    this.layers = new Map(this.injections.map((i) => [i.path, i.replacement]));
    // Every added tensor (both projections and, when used, their biases) is a FISH candidate.
    this.params = this.injections.flatMap(({ path, replacement }) =>
      replacement.variables().map(([suffix, variable]) => ({
        name: peftTensorName(path, suffix),
        variable,
        module: path,
        role: suffix.replace('.weight', '').replace('.bias', '_bias'),
        layer: layerIndexOf(path),
        fishCandidate: true,
      })),
    );
  }

  trainableParameters(): TrainableParameter[] {
    return [...this.params];
  }

  /** The task head, saved with the adapter when `modules_to_save` is set (never a FISH candidate). */
  headParameters(): TrainableParameter[] {
    return savedHeadParameters(this.config, this.model);
  }

  stateDict(): Map<string, tf.Tensor> {
    return parametersStateDict(this.params, this.headParameters());
  }

  loadStateDict(tensors: Map<string, DecodedTensor>, file?: string): void {
    assignParameters(this.params, this.headParameters(), tensors, file);
  }

  dispose(): void {
    restoreModules(this.model, this.injections);
    for (const layer of this.layers.values()) layer.dispose();
  }
}

export function injectAdapter(model: PeftTargetModel, config: AdapterConfig, rng: Rng): BottleneckAdapter {
  return new BottleneckAdapter(config, model, rng);
}
