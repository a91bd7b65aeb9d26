/**
 * @module @fish-tuning/lora — LoRA (PEFT default, Gaussian and PiSSA inits, rsLoRA, merge/unmerge) saved in
 * Hugging Face PEFT format. No side effects: call `registerLora()` to add `loraTuner` to the registry.
 */
import { registerTuner } from '@fish-tuning/core';
import { loraTuner } from './inject.js';

export { loraConfig, loraScaling, peftTaskType, DEFAULT_TARGETS, type LoraConfig, type LoraOptions, type LoraInit } from './config.js';
export { LoraLinear, type LoraLayerOptions } from './layer.js';
export { LoraAdapter, type AdapterTensor } from './adapter.js';
export { injectLora, createLoraLayer, loraTuner, type LoraLayerFactory } from './inject.js';
export { deltaWeight, mergeLayer, unmergeLayer, mergeAdapter, unmergeAdapter } from './merge.js';
export { kaimingUniform, gaussian, initLoraPair } from './init.js';
export { pissaInit, type PissaInit } from './pissa.js';
export { truncatedSvd, fullSvd, subspaceSvd, type TruncatedSvd } from './svd.js';
export { loraConfigFromJson, applyLoraFiles } from './files.js';
export { loraParameterCount, countLoraParameters, type LinearShape, type ParameterReport } from './count.js';

/** Adds `loraTuner` to core's registry (the CLI calls this once). */
export function registerLora(): void {
  registerTuner(loraTuner);
}
