/**
 * The PEFT method flags shared by `fisher` and `train`, turned into the method's config options
 * (PEFT's adapter_config.json names); a flag that does not apply to the method is an error naming it.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { int, num, oneOf } from './flags.js';

export interface MethodFlags {
  rank?: string;
  alpha?: string;
  /** `--lora-dropout` (commander's camel case). */
  loraDropout?: string;
  /** `--init`: LoRA initialisation, PEFT's init_lora_weights (default | gaussian | pissa). */
  init?: string;
  targets?: string;
  layers?: string;
  virtualTokens?: string;
}

export const METHODS = ['lora', 'dora', 'ia3', 'prefix', 'adapter', 'unipelt'] as const;

/** `--init` values → PEFT's init_lora_weights (PiSSA is the paper's choice; default = Kaiming A, zero B). */
export const LORA_INITS: Record<string, true | 'gaussian' | 'pissa'> = { default: true, gaussian: 'gaussian', pissa: 'pissa' };

export function methodOptions(method: string, o: MethodFlags): Record<string, unknown> {
  const flat = flatMethodOptions(method, o);
  if (method !== 'unipelt') return flat;
  // UniPELT takes one sub-config per part (AdapterHub's UniPELTConfig): LoRA flags go to `lora`, the
  // prefix length to `prefix`, the layer choice stays at the top.
  const { r, lora_alpha, lora_dropout, init_lora_weights, target_modules, num_virtual_tokens, layers } = flat;
  const lora = Object.fromEntries(Object.entries({ r, lora_alpha, lora_dropout, init_lora_weights, target_modules }).filter(([, v]) => v !== undefined));
  return {
    ...(layers !== undefined ? { layers } : {}),
    ...(Object.keys(lora).length ? { lora } : {}),
    ...(num_virtual_tokens !== undefined ? { prefix: { num_virtual_tokens } } : {}),
  };
}

function flatMethodOptions(method: string, o: MethodFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lora = method === 'lora' || method === 'dora' || method === 'unipelt';
  for (const [flag, value] of [['--rank', o.rank], ['--alpha', o.alpha], ['--lora-dropout', o.loraDropout], ['--init', o.init]] as const) {
    if (value !== undefined && !lora) throw new FishTuningError(`does not apply to method '${method}' (only lora, dora, unipelt)`, { option: flag });
  }
  if (o.rank !== undefined) out.r = int(o.rank, '--rank');
  if (o.alpha !== undefined) out.lora_alpha = num(o.alpha, '--alpha');
  if (o.loraDropout !== undefined) out.lora_dropout = num(o.loraDropout, '--lora-dropout', (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  if (o.init !== undefined) out.init_lora_weights = LORA_INITS[oneOf(o.init, Object.keys(LORA_INITS), '--init')];
  if (o.targets !== undefined) {
    if (method === 'prefix') throw new FishTuningError(`does not apply to method 'prefix' (it has no target modules)`, { option: '--targets' });
    out.target_modules = o.targets.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (o.layers !== undefined) out.layers = o.layers;
  if (o.virtualTokens !== undefined) {
    if (method !== 'prefix' && method !== 'unipelt') throw new FishTuningError('applies to prefix and unipelt only', { option: '--virtual-tokens' });
    out.num_virtual_tokens = int(o.virtualTokens, '--virtual-tokens');
  }
  return out;
}
