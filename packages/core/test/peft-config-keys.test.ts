import { describe, expect, it } from 'vitest';
import { FishTuningError } from '@fish-tuning/core';
import { refuseUnsupportedConfigKeys } from '../src/peft-config-keys.js';

const PEFT_017_LORA_DEFAULTS = {
  task_type: 'CAUSAL_LM', peft_type: 'LORA', auto_mapping: null, base_model_name_or_path: '/m', revision: null, inference_mode: true,
  r: 8, target_modules: ['q_proj'], exclude_modules: null, lora_alpha: 8, lora_dropout: 0, fan_in_fan_out: false, bias: 'none',
  use_rslora: false, modules_to_save: null, init_lora_weights: true, layers_to_transform: null, layers_pattern: null, rank_pattern: {},
  alpha_pattern: {}, megatron_config: null, megatron_core: 'megatron.core', trainable_token_indices: null, loftq_config: {},
  eva_config: null, corda_config: null, use_dora: false, use_qalora: false, qalora_group_size: 16, layer_replication: null,
  runtime_config: { ephemeral_gpu_offload: false }, lora_bias: false, target_parameters: null,
  // PEFT 0.21 additions at their defaults:
  alora_invocation_tokens: null, arrow_config: null, ensure_weight_tying: false, peft_version: '0.21.2',
};

function refusal(json: Record<string, unknown>): FishTuningError {
  try {
    refuseUnsupportedConfigKeys(json, 'adapter_config.json');
  } catch (e) {
    return e as FishTuningError;
  }
  throw new Error('accepted');
}

describe('adapter_config.json keys', () => {
  it("accepts PEFT's defaults (0.17 and 0.21 keys)", () => {
    expect(() => refuseUnsupportedConfigKeys(PEFT_017_LORA_DEFAULTS, 'adapter_config.json')).not.toThrow();
  });

  for (const [key, value, why] of [
    ['layer_replication', [[0, 4], [2, 5]], /layer_replication = \[\[0,4\],\[2,5\]\] is not supported: it repeats base-model layers/],
    ['alora_invocation_tokens', [128, 7], /activated LoRA/],
    ['trainable_token_indices', [5, 6], /new rows of the token embedding/],
    ['target_parameters', ['experts.gate_up_proj'], /raw nn\.Parameters/],
    ['use_qalora', true, /quantized/],
    ['loftq_config', { loftq_bits: 4 }, /LoftQ/],
    ['some_future_key', 3, /unknown key 'some_future_key' = 3; it may change the computation/],
  ] as const) {
    it(`refuses ${key} = ${JSON.stringify(value)}, naming the key and the file`, () => {
      const e = refusal({ ...PEFT_017_LORA_DEFAULTS, [key]: value });
      expect(e).toBeInstanceOf(FishTuningError);
      expect(e.option).toBe(key);
      expect(e.file).toBe('adapter_config.json');
      expect(e.message).toMatch(why);
    });
  }

  it('does not resolve prototype names as known keys', () => {
    expect(refusal({ peft_type: 'LORA', constructor: 'x' }).option).toBe('constructor');
    expect(refusal(JSON.parse('{"peft_type": "IA3", "__proto__": {"r": 1}}')).option).toBe('__proto__');
  });
});

describe('keys of a method registered by a user', () => {
  it('are left to that method, except the known unsupported ones', () => {
    expect(() => refuseUnsupportedConfigKeys({ peft_type: 'MY_METHOD', size: 3 })).not.toThrow();
    expect(() => refuseUnsupportedConfigKeys({ peft_type: 'MY_METHOD', layer_replication: [[0, 1]] })).toThrow(/layer_replication/);
  });
});
