/**
 * Loading any saved PEFT LoRA adapter, DoRA or not: `use_dora` in adapter_config.json picks the layer.
 * @module
 */
import type { DecodedTensor, PeftConfigBase, PeftTargetModel } from '@fish-tuning/core';
import { applyLoraFiles, type LoraAdapter } from '@fish-tuning/lora';
import { createDoraLayer } from './inject.js';

export function applyLoraOrDoraFiles(
  model: PeftTargetModel,
  files: { config: PeftConfigBase; tensors: Map<string, DecodedTensor>; configFile?: string; weightsFile?: string },
): LoraAdapter {
  return applyLoraFiles(model, files, files.config.use_dora === true ? createDoraLayer : undefined);
}
