/**
 * @module @fish-tuning/lora — LoRA (PEFT default, Gaussian and PiSSA inits, rsLoRA, merge/unmerge) saved in
 * Hugging Face PEFT format. No side effects: call `registerLora()` to add `loraTuner` to the registry.
 */
export { loraConfig, loraConfigFromJson, readLoraJson, loraScaling, type LoraConfig, type LoraOptions, type LoraInit, type LoraModelFacts } from './config.js';
export { LoraLinear, type LoraLayerOptions, type AdapterTensor } from './layer.js';
export { LoraAdapter, injectLora, createLoraLayer, type LoraLayerFactory } from './inject.js';
export { countLora, loraParameterCount, countLoraParameters, type LinearShape, type ParameterReport } from './count.js';
export { mergeLora, unmergeLora, deltaWeight, mergeLayer, unmergeLayer } from './merge.js';
export { loraTuner, registerLora } from './tuner.js';
export { kaimingUniform, gaussian, initLoraPair } from './init.js';
export { pissaInit, type PissaInit } from './pissa.js';
export { truncatedSvd, fullSvd, subspaceSvd, type TruncatedSvd } from './svd.js';
export { lanczosSvd } from './lanczos.js';
