/**
 * The shape every PEFT method package has: a config (PEFT's adapter_config.json keys), an injected
 * adapter that owns named trainable parameters, and a Tuner that creates, loads, counts and (where the
 * method allows) merges it. A reader who knows one method knows all of them.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainableParameter } from './parameters.js';
import type { ModelFacts, ModelTask, PeftTargetModel } from './model.js';
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
  /**
   * The task head saved with the adapter (PEFT's `modules_to_save`); never FISH candidates. Empty when
   * none. Every method's adapter has it (AdapterBase); optional for hand-made adapters (tests).
   */
  headParameters?(): TrainableParameter[];
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

/**
 * Trainable entries of a method on a model, from shapes alone (nothing allocated), following PEFT's
 * print_trainable_parameters: trainable = adapter + the saved task head.
 */
export interface ParameterCount {
  /** Adapter entries per tensor role (`lora_A`, `lora_B`, `ia3_l`, `prompt_embeddings`, `lora_gate`, …): what `adapter` sums. */
  byRole: Record<string, number>;
  adapter: number;
  /** Task-head entries trained and saved with the adapter (modules_to_save); 0 when none. */
  head: number;
  /** adapter + head. */
  trainable: number;
}

/** A ParameterCount from per-role entries and the head's size. */
export function parameterCount(byRole: Record<string, number>, head: number): ParameterCount {
  const adapter = Object.values(byRole).reduce((a, b) => a + b, 0);
  return { byRole, adapter, head, trainable: adapter + head };
}

/** A PEFT method: registered under its name and PEFT type (see registry.ts). */
export interface Tuner<C extends PeftConfigBase = PeftConfigBase, O = Record<string, unknown>, A extends PeftAdapter<C> = PeftAdapter<C>> {
  /** Method name: 'lora', 'dora', 'adapter', 'prefix', 'ia3', 'unipelt', … */
  readonly name: string;
  /** PEFT's peft_type, as written to adapter_config.json. */
  readonly peftType: string;
  /**
   * Only for methods that share a peft_type (LoRA and DoRA are both 'LORA'): whether a saved config is
   * this method's (DoRA: `use_dora: true`). The method without `claims` takes the rest.
   */
  claims?(json: PeftConfigBase): boolean;
  /** Fills defaults from the model's family and validates user options (errors name the option). */
  config(options: O, model: ModelFacts): C;
  /** A saved adapter_config.json, validated against `model`: every field is used or refused (errors name `file`). */
  fromJson(json: PeftConfigBase, model: PeftTargetModel, file?: string): C;
  /** What adapter_config.json holds for `config` (fromJson(toJson(c)) gives c back). */
  toJson(config: C): PeftConfigBase;
  /** Injects a freshly initialised adapter. */
  inject(model: PeftTargetModel, config: C, rng: Rng): A;
  /** Injects an adapter for `config` and assigns saved tensors (`file` named in errors); on error the model is left as it was. */
  load(model: PeftTargetModel, config: C, tensors: Map<string, DecodedTensor>, file?: string): A;
  /** Trainable entries that `inject(model, config)` would create, from shapes alone. */
  count(config: C, model: PeftTargetModel): ParameterCount;
  /** Folds the adapter into the base weights (methods whose update is input-independent). */
  merge?(adapter: A): void;
  unmerge?(adapter: A): void;
}

/** The object written to adapter_config.json: a plain JSON copy of the config (undefined fields dropped). */
export function configToJson<C extends PeftConfigBase>(config: C): PeftConfigBase {
  return JSON.parse(JSON.stringify(config)) as PeftConfigBase;
}

/** PEFT's task_type for a model task. */
export function peftTaskType(task: ModelTask | undefined): string | null {
  if (task === 'causal-lm') return 'CAUSAL_LM';
  if (task === 'classification' || task === 'regression') return 'SEQ_CLS';
  if (task === 'encoder') return 'FEATURE_EXTRACTION';
  return null;
}

/**
 * PEFT's default `modules_to_save` for a task: PeftModelForSequenceClassification adds the head under
 * both of transformers' names ('classifier' in BERT, 'score' in Llama); other tasks save no head.
 */
export function defaultModulesToSave(task: ModelTask | undefined): string[] | null {
  return task === 'classification' || task === 'regression' ? ['classifier', 'score'] : null;
}

/** The user's `modules_to_save` when given (null included), else the task's default. */
export function modulesToSave(option: string[] | null | undefined, task: ModelTask | undefined): string[] | null {
  return option !== undefined ? option : defaultModulesToSave(task);
}
