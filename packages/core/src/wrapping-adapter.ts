/**
 * The PeftAdapter half that every module-wrapping method shares (the bottleneck adapter, (IA)^3): the
 * injected layers by path, the PEFT-named parameters, the saved task head, state dict, loading and
 * undoing the injection. A method builds its injections and parameter list and passes them in.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { restoreModules, type Injection } from './inject.js';
import { assignParameters, parametersStateDict, savedHeadParameters } from './assign-state.js';
import type { Module } from './module.js';
import type { PeftAdapter, PeftConfigBase } from './peft.js';
import type { PeftTargetModel } from './model.js';
import type { TrainableParameter } from './parameters.js';
import type { DecodedTensor } from './safetensors.js';

export abstract class WrappingAdapter<C extends PeftConfigBase, L extends Module & { dispose(): void }> implements PeftAdapter<C> {
  readonly targetedModules: readonly string[];
  /** The injected layers by module path. */
  readonly layers: ReadonlyMap<string, L>;

  protected constructor(
    readonly config: C,
    readonly model: PeftTargetModel,
    private readonly injections: readonly Injection<L>[],
    private readonly params: readonly TrainableParameter[],
  ) {
    this.targetedModules = injections.map((i) => i.path);
    this.layers = new Map(injections.map((i) => [i.path, i.replacement]));
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

  /** Puts the original modules back and frees the injected layers. */
  dispose(): void {
    restoreModules(this.model, this.injections);
    for (const layer of this.layers.values()) layer.dispose();
  }
}
