/**
 * DoRA's config and injection: LoRA's walk (`injectLora`) with the DoRA layer factory and `use_dora: true`,
 * as PEFT keeps DoRA inside LoRA. Saved adapters are PEFT LoRA adapters with `use_dora: true` and one
 * extra tensor per module, `base_model.model.<path>.lora_magnitude_vector` (PEFT strips the `.weight`).
 * @module
 */
import type { PeftTargetModel, Rng, Tuner } from '@fish-tuning/core';
import { injectLora, loraConfig, type LoraAdapter, type LoraConfig, type LoraLayerFactory, type LoraOptions } from '@fish-tuning/lora';
import { DoraLinear } from './layer.js';

export const createDoraLayer: LoraLayerFactory = (base, a, b, options) => new DoraLinear(base, a, b, options);

/** loraConfig with use_dora forced on. */
export function doraConfig(options: LoraOptions = {}, model?: Pick<PeftTargetModel, 'family' | 'task' | 'dims'>): LoraConfig {
  return loraConfig({ ...options, use_dora: true }, model);
}

export function injectDora(model: PeftTargetModel, config: LoraConfig, rng: Rng): LoraAdapter {
  return injectLora(model, { ...config, use_dora: true }, rng, createDoraLayer);
}

/** The DoRA method for the registry and the CLI (`--method dora`); PEFT type LORA. */
export const doraTuner = {
  name: 'dora',
  peftType: 'LORA',
  config: (options: LoraOptions, model: PeftTargetModel): LoraConfig => doraConfig(options, model),
  inject: (model: PeftTargetModel, config: LoraConfig, rng: Rng): LoraAdapter => injectDora(model, config, rng),
} satisfies Tuner<LoraConfig, LoraOptions>;
