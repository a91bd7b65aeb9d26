/** @module Llama-family decoder: model, loaders (llama2.c, Hugging Face), random init and generation. */
export { llamaConfig, headDimOf, toHfConfigJson, fromHfConfigJson, type LlamaConfig, type LlamaConfigInput } from './config.js';
export { LlamaForCausalLM, LlamaModel, type HiddenOptions } from './model.js';
export { LlamaDecoderLayer } from './decoder-layer.js';
export { LlamaAttention, type AttentionInputs } from './attention.js';
export { LlamaMLP } from './mlp.js';
export { LlamaRMSNorm } from './rms-norm.js';
export { Embedding } from './embedding.js';
export { LlamaKvCache } from './kv-cache.js';
export { inverseFrequencies, ropeTables, applyRope } from './rope.js';
export { IGNORE_INDEX } from '@fish-tuning/core';
export { causalLmPerExampleLoss, labelsFromInputs } from './loss.js';
export { hfWeightShapes, buildLlama, llamaStateDict } from './weights.js';
export { createLlama } from './create.js';
export { parseLlama2c, permuteRope, llama2cModel, type Llama2cCheckpoint } from './llama2c-parse.js';
export { loadLlama2c, loadLlama2cTokenizer, findLlama2cFiles, type LoadedLlama } from './llama2c.js';
export { generate, generateIds, type GenerateOptions, type GenerateIdsOptions, type GenerateResult } from './generate.js';
export { loadHfLlama, saveHfLlama, loadLlamaModel, loadTokenizerFile } from './hf.js';
export { Llama2cTokenizer, HfTokenizer, llama2cToTokenizerJson } from '../tokenizers/index.js';
