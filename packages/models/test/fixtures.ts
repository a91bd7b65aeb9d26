/**
 * Access to the tiny transformers checkpoints under test/fixtures (written by scripts/make-tiny-models.py)
 * and their reference tensors; shared by the parity tests here and in the PEFT packages.
 * @module
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import type { DecodedTensor } from '@fish-tuning/core';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const DECODER_FIXTURES = ['llama', 'qwen2', 'phi3'] as const;
export const ENCODER_FIXTURES = ['bert', 'modernbert'] as const;

export function fixtureDir(name: string): string {
  return path.join(FIXTURES, name);
}

export async function reference(name: string): Promise<Map<string, DecodedTensor>> {
  return (await readSafetensorsFile(path.join(FIXTURES, name, 'reference.safetensors'))).tensors;
}

export function refTensor(ref: Map<string, DecodedTensor>, key: string, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const t = ref.get(key);
  if (!t) throw new Error(`reference has no '${key}'`);
  return tf.tensor(dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape, dtype);
}

/** The relative error the parity tests bound by 1e-4 (shared with the other packages' parity tests). */
export { relativeError } from '@fish-tuning/test-utils';
