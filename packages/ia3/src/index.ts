/**
 * @module @fish-tuning/ia3 — (IA)^3 (Liu et al., 2022): learned vectors rescaling keys, values and the
 * feed-forward hidden activation, in Hugging Face PEFT's format. No side effects: call registerIa3().
 */
export { ia3Config, ia3ConfigFromJson, type Ia3Config, type Ia3Options } from './config.js';
export { Ia3Layer } from './layer.js';
export { Ia3Adapter, injectIa3 } from './inject.js';
export { countIa3, ia3ParameterCount, ia3ParametersPerLayer } from './count.js';
export { mergeIa3, unmergeIa3, mergeIa3Layer, unmergeIa3Layer } from './merge.js';
export { ia3Tuner, registerIa3 } from './tuner.js';
