/**
 * The trainable-parameter contract that every PEFT method, Fisher and masks share: a flat list of
 * named tfjs Variables. The name is the key PEFT writes to adapter_model.safetensors, so Fisher scores,
 * masks and adapters line up by name in every file.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface TrainableParameter {
  /** PEFT tensor name, e.g. `base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight`. */
  readonly name: string;
  readonly variable: tf.Variable;
  /** Path of the module the parameter belongs to, e.g. `model.layers.3.self_attn.q_proj`. */
  readonly module: string;
  /** Method-specific role: `lora_A`, `lora_B`, `lora_magnitude_vector`, `ia3_l`, `adapter_down`, … */
  readonly role: string;
  /** Transformer layer index, or null for parameters that belong to no layer (a head, a gate bank). */
  readonly layer: number | null;
  /** True when FISH-Tuning may select entries of this tensor (its candidate set). */
  readonly fishCandidate: boolean;
}

/** Anything that owns trainable parameters: a PEFT model, a classifier head. */
export interface HasTrainableParameters {
  trainableParameters(): TrainableParameter[];
}

/** Total number of scalar entries. */
export function countParameters(params: readonly TrainableParameter[]): number {
  return params.reduce((n, p) => n + p.variable.size, 0);
}

/** Name → variable, failing loudly on a duplicate name (two methods writing the same key). */
export function parameterMap(params: readonly TrainableParameter[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const p of params) {
    if (out.has(p.name)) throw new Error(`duplicate trainable parameter name '${p.name}'`);
    out.set(p.name, p.variable);
  }
  return out;
}
