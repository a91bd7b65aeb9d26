/**
 * Random initialisation (HF's `_init_weights`: normal(0, 0.02) linear weights and embeddings, unit
 * norms), seeded, for tests and experiments that need a small Llama without a checkpoint.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { llamaConfig, type LlamaConfigInput } from './config.js';
import { buildLlama } from './weights.js';
import type { LlamaForCausalLM } from './model.js';

export function createLlama(config: LlamaConfigInput, seed = 0, initializerRange = 0.02): LlamaForCausalLM {
  const c = llamaConfig(config);
  const rng = new Rng(seed);
  return buildLlama(c, (name, shape) => (name.endsWith('norm.weight') ? tf.ones(shape) : tf.randomNormal(shape, 0, initializerRange, 'float32', rng.seed())));
}
