/**
 * DoRA's injection: LoRA's walk (`injectLora`) with the DoRA layer factory, as PEFT keeps DoRA inside
 * LoRA. Saved adapters are PEFT LoRA adapters with `use_dora: true` and one extra tensor per module,
 * `base_model.model.<path>.lora_magnitude_vector` (PEFT strips the `.weight`).
 * @module
 */
import type { PeftTargetModel, Rng } from '@fish-tuning/core';
import { injectLora, type LoraAdapter, type LoraLayerFactory } from '@fish-tuning/lora';
import type { DoraConfig } from './config.js';
import { DoraLinear } from './layer.js';

export const createDoraLayer: LoraLayerFactory = (base, a, b, options) => new DoraLinear(base, a, b, options);

/** A LoRA adapter whose layers are DoraLinear. */
export type DoraAdapter = LoraAdapter<DoraConfig, DoraLinear>;

export function injectDora(model: PeftTargetModel, config: DoraConfig, rng: Rng): DoraAdapter {
  return injectLora(model, { ...config, use_dora: true }, rng, (base, a, b, options) => new DoraLinear(base, a, b, options));
}
