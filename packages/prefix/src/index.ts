/**
 * @module @fish-tuning/prefix — Prefix-tuning (Li & Liang, 2021) as Hugging Face PEFT stores it: trainable
 * keys/values prepended in every attention layer. No side effects: call registerPrefix().
 */
export { prefixConfig, checkPrefixFileConfig, type PrefixConfig, type PrefixOptions } from './config.js';
export { PrefixEncoder, type PrefixProjection } from './layer.js';
export { PrefixAdapter, injectPrefix, promptLearningHeadName, PROMPT_EMBEDDINGS } from './inject.js';
export { prefixParameterCount, prefixProjectionParameterCount } from './count.js';
export { prefixTuner, registerPrefix, type PrefixTuner } from './tuner.js';
