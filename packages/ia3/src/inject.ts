/**
 * Injecting (IA)^3 into a model: every targeted dense layer is wrapped in an {@link Ia3Layer}
 * through core's injectModules; the result is a PeftAdapter whose tensors carry PEFT's names
 * (`base_model.model.<path>.ia3_l`).
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
  matchesTarget,
  peftTensorName,
  restoreModules,
  type DecodedTensor,
  type Injection,
  type LinearLike,
  type PeftAdapter,
  type PeftTargetModel,
  type TrainableParameter,
} from '@fish-tuning/core';
import type { Ia3Config } from './config.js';
import { Ia3Layer } from './layer.js';
import { mergeIa3, unmergeIa3 } from './merge.js';

export class Ia3Adapter implements PeftAdapter<Ia3Config> {
  readonly targetedModules: readonly string[];
  /** The injected layers by module path. */
  readonly layers: ReadonlyMap<string, Ia3Layer>;
  private readonly injections: Injection<Ia3Layer>[];
  private readonly params: TrainableParameter[];

  constructor(
    readonly config: Ia3Config,
    readonly model: PeftTargetModel,
  ) {
    const feedforward = config.feedforward_modules;
    const isFf = (path: string) => (Array.isArray(feedforward) && feedforward.length === 0 ? false : matchesTarget({ target_modules: feedforward }, path));
    this.injections = injectModules(
      model,
      { target_modules: config.target_modules },
      isLinearLike,
      (path, module) => new Ia3Layer(module as LinearLike, isFf(path), peftTensorName(path, 'ia3_l'), config.init_ia3_weights),
    );
    this.targetedModules = this.injections.map((i) => i.path);
    this.layers = new Map(this.injections.map((i) => [i.path, i.replacement]));
    this.params = this.injections.map(({ path, replacement }) => ({
      name: replacement.tensorName,
      variable: replacement.ia3_l,
      module: path,
      role: 'ia3_l',
      layer: layerIndexOf(path),
      fishCandidate: true,
    }));
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

  /** Folds every vector into its base weight (inference speed; training must unmerge first). */
  merge(): void {
    for (const layer of this.layers.values()) mergeIa3(layer);
  }

  unmerge(): void {
    for (const layer of this.layers.values()) unmergeIa3(layer);
  }

  dispose(): void {
    this.unmerge();
    restoreModules(this.model, this.injections);
    for (const layer of this.layers.values()) layer.dispose();
  }
}

/** Wraps the modules named by `config` (see ia3Config) and returns the adapter. */
export function injectIa3(model: PeftTargetModel, config: Ia3Config): Ia3Adapter {
  return new Ia3Adapter(config, model);
}
