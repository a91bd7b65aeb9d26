/**
 * @module @fish-tuning/dora — DoRA (PEFT's `use_dora: true`) built on @fish-tuning/lora, and the LoRI
 * baseline (frozen random A, magnitude-sparse B). No side effects: call `registerDora()`.
 */
export { doraConfig, doraConfigFromJson, type DoraConfig } from './config.js';
export { DoraLinear } from './layer.js';
export { injectDora, createDoraLayer, type DoraAdapter } from './inject.js';
export { countDora } from './count.js';
export { mergeDora, unmergeDora } from './merge.js';
export { doraTuner, registerDora } from './tuner.js';
export { loriCalibrationMask, loriMask, loriSnapshot, loriReset } from './lori.js';
