/**
 * Every key of a saved adapter_config.json is used, ignored because it cannot change the result, or
 * refused. A key that changes the computation and that fish-tuning does not implement must never be
 * skipped silently: `layer_replication` loaded and gave an 18 % different loss, `alora_invocation_tokens`
 * was ignored. Keys this library has never heard of (a newer PEFT) are accepted only at a neutral
 * value (null, false, empty), since a non-neutral one may change the math.
 * @module
 */
import { FishTuningError } from './errors.js';

/** Bookkeeping and init-only keys: the saved tensors already hold their effect, or they do not touch the math. */
const IGNORED = new Set([
  'peft_type', 'task_type', 'auto_mapping', 'base_model_name_or_path', 'revision', 'inference_mode', 'peft_version',
  'runtime_config', 'megatron_core', 'qalora_group_size', 'eva_config', 'lora_ga_config', 'corda_config', 'layers_pattern',
]);

/** Keys the method packages read and validate themselves (LoRA/DoRA, IA3, prefix tuning, FISH_ADAPTER, FISH_UNIPELT). */
const HANDLED = new Set([
  'r', 'lora_alpha', 'lora_dropout', 'target_modules', 'exclude_modules', 'layers_to_transform', 'bias', 'fan_in_fan_out',
  'init_lora_weights', 'use_rslora', 'use_dora', 'modules_to_save', 'rank_pattern', 'alpha_pattern', 'lora_bias',
  'feedforward_modules', 'init_ia3_weights',
  'num_virtual_tokens', 'token_dim', 'num_transformer_submodules', 'num_attention_heads', 'num_layers', 'encoder_hidden_size', 'prefix_projection',
  'layers', 'reduction_factor', 'bottleneck_size', 'non_linearity', 'adapter_bias', 'init_std', 'fish_gates', 'lora', 'adapter', 'prefix',
]);

/** Keys known to change the computation, with why fish-tuning cannot honour them. */
const UNSUPPORTED = new Map<string, string>([
  ['layer_replication', "repeats base-model layers (PEFT's layer stacking); this library does not build replicated layers, so the adapter would act on a different model"],
  ['alora_invocation_tokens', 'makes an activated LoRA that acts only after its invocation tokens; this library applies the adapter at every position'],
  ['trainable_token_indices', 'trains new rows of the token embedding, which this library does not load'],
  ['target_parameters', 'adapts raw nn.Parameters (such as mixture-of-experts weights) that these models do not have'],
  ['use_qalora', 'needs a quantized base layer (QALoRA)'],
  ['loftq_config', 'belongs to a LoftQ-quantized base model; on the full-precision base the adapter gives other results'],
  ['megatron_config', 'needs Megatron parallel layers'],
  ['arrow_config', 'routes between several LoRA experts (Arrow), which this library does not implement'],
  ['use_bdlora', 'needs block-diagonal LoRA, which this library does not implement'],
]);

/** The peft_types whose keys are all listed above; a method registered by a user validates its own keys. */
const BUILT_IN_TYPES = new Set(['LORA', 'IA3', 'PREFIX_TUNING', 'FISH_ADAPTER', 'FISH_UNIPELT']);

/** null, false, '', an empty list or object: the value PEFT writes when a feature is off. */
function neutral(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

/**
 * Refuses, naming the key and `file`, every key that changes the computation and is not implemented —
 * known ones with the reason, and (for the built-in peft_types) unknown ones unless their value is neutral.
 */
export function refuseUnsupportedConfigKeys(json: { readonly [key: string]: unknown }, file?: string): void {
  const builtIn = typeof json.peft_type === 'string' && BUILT_IN_TYPES.has(json.peft_type);
  for (const key of Object.keys(json)) {
    if (IGNORED.has(key) || HANDLED.has(key)) continue;
    const value = json[key];
    if (neutral(value)) continue;
    const why = UNSUPPORTED.get(key);
    if (why === undefined && !builtIn) continue;
    const shown = JSON.stringify(value);
    throw new FishTuningError(
      why !== undefined
        ? `${key} = ${shown} is not supported: it ${why}`
        : `unknown key '${key}' = ${shown}; it may change the computation and fish-tuning does not implement it (a newer PEFT?)`,
      { ...(file !== undefined ? { file } : {}), option: key },
    );
  }
}
