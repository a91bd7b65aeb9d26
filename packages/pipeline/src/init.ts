/**
 * The LoRA initialisation under a FISH mask. With PEFT's default init (B = 0) every lora_A entry has a
 * gradient, hence a Fisher, of exactly 0, and the mask silently selects only lora_B. The paper
 * initialises with PiSSA (A, B from the top-r SVD of W), so with a FISH mask PiSSA is the default, and
 * asking explicitly for a zero-B init warns.
 * @module
 */
import type { FishTuneMessage, MaskChoice } from './options.js';

/** Methods whose config has LoRA's `init_lora_weights`. */
const LORA_METHODS = new Set(['lora', 'dora']);

/** `config` with the init default for `mask`, and the warning the choice deserves (if any). */
export function withFishInit(method: string, config: Record<string, unknown>, mask: MaskChoice, scoresGiven = false): { config: Record<string, unknown>; warning: FishTuneMessage | null } {
  if (!LORA_METHODS.has(method) || mask !== 'fish') return { config, warning: null };
  const init = config.init_lora_weights;
  if (init === undefined) return { config: { ...config, init_lora_weights: 'pissa' }, warning: null };
  // Scores given by the caller (e.g. LoRI's |B|) are not a Fisher of this init: nothing to warn about.
  if ((init === true || init === 'gaussian') && !scoresGiven) {
    return {
      config,
      warning: {
        level: 'warning',
        option: 'init_lora_weights',
        message: `init_lora_weights ${JSON.stringify(init)} starts lora_B at zero, so every lora_A entry has a Fisher of 0 and the FISH mask can select only lora_B entries; 'pissa' (the default with a FISH mask, the paper's) avoids this`,
      },
    };
  }
  return { config, warning: null };
}
