/**
 * The shape every PEFT method package has: a config (PEFT's adapter_config.json keys), an injected
 * adapter that owns named trainable parameters, and a Tuner that creates and loads it. A reader who
 * knows one method knows all of them.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainableParameter } from './parameters.js';
import type { PeftTargetModel } from './model.js';
import type { DecodedTensor } from './safetensors.js';
import type { Rng } from './rng.js';

/** adapter_config.json: PEFT's snake_case keys; `peft_type` names the method. */
export interface PeftConfigBase {
  peft_type: string;
  task_type?: string | null;
  base_model_name_or_path?: string | null;
  inference_mode?: boolean;
  [key: string]: unknown;
}

/** A method's adapter, injected into a model. */
export interface PeftAdapter<C extends PeftConfigBase = PeftConfigBase> {
  readonly config: C;
  readonly model: PeftTargetModel;
  /** Module paths that the method wrapped or attached to. */
  readonly targetedModules: readonly string[];
  /** PEFT parameters (FISH candidates and, for hybrids, gates), PEFT-named. */
  trainableParameters(): TrainableParameter[];
  /** Tensors for adapter_model.safetensors, keyed by PEFT name (may equal the variables). */
  stateDict(): Map<string, tf.Tensor>;
  /** Assigns tensors read from adapter_model.safetensors; names and shapes are checked, `file` named in errors. */
  loadStateDict(tensors: Map<string, DecodedTensor>, file?: string): void;
  /** Puts the original modules back and frees the adapter's tensors. */
  dispose(): void;
}

/**
 * Fills a freshly created adapter from saved tensors; on a bad file the adapter is disposed (its
 * modules restored) before the error propagates, so a failed load leaves the model as it was.
 */
export function loadAdapterState<A extends PeftAdapter>(adapter: A, tensors: Map<string, DecodedTensor>, file?: string): A {
  try {
    adapter.loadStateDict(tensors, file);
  } catch (e) {
    adapter.dispose();
    throw e;
  }
  return adapter;
}

/** A PEFT method: registered under its CLI name and PEFT type. */
export interface Tuner<C extends PeftConfigBase = PeftConfigBase, O = Record<string, unknown>> {
  /** CLI name: 'lora', 'dora', 'adapter', 'prefix', 'ia3', 'unipelt', … */
  readonly name: string;
  /** PEFT's peft_type. */
  readonly peftType: string;
  /** Fills defaults and validates (errors name the option). */
  config(options: O, model: PeftTargetModel): C;
  /** Injects a freshly initialised adapter. */
  inject(model: PeftTargetModel, config: C, rng: Rng): PeftAdapter<C>;
}
