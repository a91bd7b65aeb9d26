/**
 * PEFT's tensor naming: `base_model.model.<module path>.<suffix>`, with the adapter name removed
 * (PEFT strips `.default` on save and puts it back on load; fish-tuning keeps one adapter per model).
 * @module
 */

export const PEFT_PREFIX = 'base_model.model.';
export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';
export const FISHER_SIDECAR_NAME = 'fish_fisher.safetensors';
export const MASK_SIDECAR_NAME = 'fish_mask.safetensors';

/** `model.layers.3.self_attn.q_proj` + `lora_A.weight` → `base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight`. */
export function peftTensorName(modulePath: string, suffix: string): string {
  return `${PEFT_PREFIX}${modulePath ? `${modulePath}.` : ''}${suffix}`;
}

/** The module path inside a PEFT tensor name, given the suffix it ends with. */
export function modulePathOf(tensorName: string, suffix: string): string | null {
  if (!tensorName.startsWith(PEFT_PREFIX) || !tensorName.endsWith(`.${suffix}`)) return null;
  return tensorName.slice(PEFT_PREFIX.length, tensorName.length - suffix.length - 1);
}
