/**
 * Moving tensors between tfjs and files: decoded safetensors → tfjs tensors with shape checks, and
 * tfjs tensors → data to write.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from './errors.js';
import type { DecodedTensor, TensorToWrite } from './safetensors.js';

/** A tfjs tensor from a decoded one, checking the shape when `expectedShape` is given. */
export function toTensor(t: DecodedTensor, expectedShape?: readonly number[], subject: { file?: string; tensor?: string } = {}): tf.Tensor {
  if (expectedShape && (t.shape.length !== expectedShape.length || t.shape.some((d, i) => d !== expectedShape[i]))) {
    throw new FishTuningError(`shape ${JSON.stringify(t.shape)} does not match the expected ${JSON.stringify(expectedShape)}`, subject);
  }
  const dtype = t.data instanceof Float32Array ? 'float32' : 'int32';
  const data = t.data instanceof Uint8Array ? Int32Array.from(t.data) : t.data;
  return tf.tensor(data, t.shape, dtype);
}

/** Reads tensors back (async, works on every backend) into writable form. */
export async function toWritable(tensors: Map<string, tf.Tensor>, dtype: 'F32' | 'F16' = 'F32'): Promise<Map<string, TensorToWrite>> {
  const out = new Map<string, TensorToWrite>();
  for (const [name, t] of tensors) {
    const data = await t.data();
    out.set(name, { shape: [...t.shape], data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), dtype });
  }
  return out;
}

/**
 * A variable that owns `init`'s values: `init` is disposed. (`tf.variable(x)` shares x's data and leaves x
 * itself alive, so `tf.variable(tf.zeros(…))` leaks one tensor per call.)
 */
export function ownedVariable(init: tf.Tensor, trainable = true): tf.Variable {
  const variable = tf.variable(init, trainable);
  init.dispose();
  return variable;
}
