/**
 * DoRA's trainable entries: LoRA's A and B plus one magnitude entry per output feature of each wrapped
 * layer (lora's countLora reads use_dora), and the saved head.
 * @module
 */
import type { ParameterCount, PeftTargetModel } from '@fish-tuning/core';
import { countLora } from '@fish-tuning/lora';
import type { DoraConfig } from './config.js';

export function countDora(config: DoraConfig, model: PeftTargetModel): ParameterCount {
  return countLora({ ...config, use_dora: true }, model);
}
