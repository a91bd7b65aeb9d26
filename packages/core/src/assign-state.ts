/**
 * Loading an adapter file into live variables: every expected tensor must be present with the right
 * shape, and no tensor may be left over (a file for another model or method fails loudly, naming the
 * file and the tensor, instead of silently training from a half-loaded state).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from './errors.js';
import { toTensor } from './tensors.js';
import type { DecodedTensor } from './safetensors.js';
import type { TrainableParameter } from './parameters.js';

/**
 * Assigns `tensors[name]` to each `variables[name]`; throws on a missing, extra or mis-shaped tensor.
 * `optional` variables (a saved task head) are assigned when present and kept as they are when absent.
 */
export function assignStateDict(variables: ReadonlyMap<string, tf.Variable>, tensors: ReadonlyMap<string, DecodedTensor>, file?: string, optional: ReadonlyMap<string, tf.Variable> = new Map()): void {
  for (const name of tensors.keys()) {
    if (!variables.has(name) && !optional.has(name)) throw new FishTuningError(`unexpected tensor (this adapter has ${variables.size} tensors, e.g. '${variables.keys().next().value}')`, { file, tensor: name });
  }
  // Check every tensor (names and shapes from the header first, then values) before assigning any,
  // so that a refused file leaves the variables as they were.
  const planned: Array<[tf.Variable, DecodedTensor, string]> = [];
  for (const [name, variable] of [...variables, ...optional]) {
    const decoded = tensors.get(name);
    if (!decoded) {
      if (optional.has(name) && !variables.has(name)) continue;
      throw new FishTuningError('missing tensor', { file, tensor: name });
    }
    checkShape(decoded, variable.shape, name, file);
    planned.push([variable, decoded, name]);
  }
  const values: Array<[tf.Variable, tf.Tensor]> = [];
  try {
    for (const [variable, decoded, name] of planned) {
      refuseNonFinite(decoded, name, file);
      values.push([variable, toTensor(decoded, variable.shape, { file, tensor: name })]);
    }
    for (const [variable, value] of values) {
      const cast = value.dtype === variable.dtype ? value : tf.cast(value, variable.dtype);
      variable.assign(cast);
      if (cast !== value) cast.dispose();
    }
  } finally {
    for (const [, value] of values) value.dispose();
  }
}

function checkShape(t: DecodedTensor, expected: readonly number[], name: string, file: string | undefined): void {
  if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new FishTuningError(`shape ${JSON.stringify(t.shape)} does not match the expected ${JSON.stringify(expected)}`, { file, tensor: name });
  }
}

/**
 * A NaN or ±Inf in a loaded weight turns every later loss into NaN without an error (eval printed
 * `mean_loss: null`); refuse it here, naming the tensor and where the first bad value sits.
 */
function refuseNonFinite(decoded: DecodedTensor, name: string, file: string | undefined): void {
  const data = decoded.data;
  if (!(data instanceof Float32Array)) return;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad) {
    throw new FishTuningError(`holds ${bad} non-finite value(s) (first: ${data[first]} at flat index ${first} of shape ${JSON.stringify(decoded.shape)}); refusing to load it`, { file, tensor: name });
  }
}

/** The task head saved with an adapter when its config names PEFT's `modules_to_save` (never a FISH candidate). */
export function savedHeadParameters(config: { readonly [key: string]: unknown }, model: { headParameters(): TrainableParameter[] }): TrainableParameter[] {
  return Array.isArray(config.modules_to_save) && config.modules_to_save.length ? model.headParameters() : [];
}

/** An adapter's state dict: its own parameters, then the saved head, keyed by PEFT name. */
export function parametersStateDict(params: readonly TrainableParameter[], head: readonly TrainableParameter[] = []): Map<string, tf.Tensor> {
  return new Map([...params, ...head].map((p) => [p.name, p.variable]));
}

/** assignStateDict for parameter lists: `params` must all be in the file, the `head` may be absent. */
export function assignParameters(params: readonly TrainableParameter[], head: readonly TrainableParameter[], tensors: ReadonlyMap<string, DecodedTensor>, file?: string): void {
  assignStateDict(new Map(params.map((p) => [p.name, p.variable])), tensors, file, new Map(head.map((p) => [p.name, p.variable])));
}
