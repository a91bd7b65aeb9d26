/**
 * @module @fish-tuning/dora — DoRA (PEFT's `use_dora: true`) built on @fish-tuning/lora, and the LoRI
 * baseline (frozen random A, magnitude-sparse B). No side effects: call `registerDora()`.
 */
import { registerTuner } from '@fish-tuning/core';
import { doraTuner } from './inject.js';

export { DoraLinear } from './layer.js';
export { doraConfig, injectDora, createDoraLayer, doraTuner } from './inject.js';
export { applyLoraOrDoraFiles } from './files.js';
export { loriCalibrationMask, loriMask, loriSnapshot, loriReset } from './lori.js';

/** Adds `doraTuner` to core's registry. */
export function registerDora(): void {
  registerTuner(doraTuner);
}
