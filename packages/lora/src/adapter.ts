/**
 * The injected LoRA adapter: the layers it swapped in, their named trainable tensors (PEFT names), the
 * state dict for adapter_model.safetensors and its inverse, and dispose() that puts the model back.
 * Layer kinds (LoRA, DoRA) describe their own tensors through `adapterTensors()`, so this file serves both.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  assignParameters,
  parametersStateDict,
  savedHeadParameters,
  layerIndexOf,
  peftTensorName,
  restoreModules,
  type DecodedTensor,
  type Injection,
  type Linear,
  type PeftAdapter,
  type PeftTargetModel,
  type TrainableParameter,
} from '@fish-tuning/core';
import type { LoraConfig } from './config.js';
import { LoraLinear } from './layer.js';
import { unmergeLayer } from './merge.js';

/** One trainable tensor of a layer: its suffix in the PEFT name and its role. */
export interface AdapterTensor {
  suffix: string;
  role: string;
  variable: tf.Variable;
}

export class LoraAdapter<C extends LoraConfig = LoraConfig> implements PeftAdapter<C> {
  readonly targetedModules: readonly string[];
  private disposed = false;

  constructor(
    readonly model: PeftTargetModel,
    readonly config: C,
    private readonly injections: Injection<LoraLinear>[],
    /** Base layers this adapter created (PiSSA residuals); their kernels are freed on dispose. */
    private readonly ownedBases: Linear[] = [],
  ) {
    this.targetedModules = injections.map((i) => i.path);
  }

  /** [module path, layer] for every wrapped module. */
  layers(): Array<[string, LoraLinear]> {
    return this.injections.map((i) => [i.path, i.replacement]);
  }

  trainableParameters(): TrainableParameter[] {
    const out: TrainableParameter[] = [];
    for (const [path, layer] of this.layers()) {
      for (const t of layer.adapterTensors()) {
        out.push({ name: peftTensorName(path, t.suffix), variable: t.variable, module: path, role: t.role, layer: layerIndexOf(path), fishCandidate: true });
      }
    }
    return out;
  }

  /** The head (PEFT's modules_to_save) is saved with the adapter when the config names it. */
  private headParameters(): TrainableParameter[] {
    return savedHeadParameters(this.config, this.model);
  }

  stateDict(): Map<string, tf.Tensor> {
    return parametersStateDict(this.trainableParameters(), this.headParameters());
  }

  /** An adapter saved without its head keeps the model's head. */
  loadStateDict(tensors: Map<string, DecodedTensor>, file?: string): void {
    assignParameters(this.trainableParameters(), this.headParameters(), tensors, file);
  }

  /** Unmerges if merged, restores the original modules and frees the adapter's tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [, layer] of this.layers()) if (layer.merged) unmergeLayer(layer);
    restoreModules(this.model, this.injections);
    for (const [, layer] of this.layers()) layer.dispose();
    for (const base of this.ownedBases) base.kernel.dispose();
  }
}
