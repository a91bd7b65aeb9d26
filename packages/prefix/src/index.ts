/**
 * @module @fish-tuning/prefix — Prefix-tuning (Li & Liang, 2021) as Hugging Face PEFT stores it: trainable
 * keys/values prepended in every attention layer. No side effects: call registerPrefix().
 */
export { prefixConfig, prefixConfigFromJson, type PrefixConfig, type PrefixOptions } from './config.js';
export { PrefixEncoder, type PrefixProjection } from './layer.js';
export { PrefixAdapter, injectPrefix, promptLearningHeadName, PROMPT_EMBEDDINGS } from './inject.js';
export { countPrefix, prefixParameterCount, prefixProjectionParameterCount } from './count.js';
export { mergePrefix, unmergePrefix } from './merge.js';
export { prefixTuner, registerPrefix } from './tuner.js';
