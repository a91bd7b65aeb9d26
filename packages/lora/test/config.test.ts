import { describe, expect, it } from 'vitest';
import { loraConfig, loraScaling } from '../src/index.js';

const model = { modelType: 'llama', task: 'causal-lm' as const, dims: { numLayers: 5, hiddenSize: 64, numHeads: 8, numKvHeads: 4, headDim: 8, intermediateSize: 172, vocabSize: 512 } };

describe('loraConfig', () => {
  it('fills PEFT defaults and the family default targets', () => {
    const c = loraConfig({}, model);
    expect(c).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 8, lora_dropout: 0, bias: 'none', fan_in_fan_out: false, init_lora_weights: true, use_rslora: false, use_dora: false, task_type: 'CAUSAL_LM', layers_to_transform: null });
    expect(c.target_modules).toEqual(['q_proj', 'v_proj']);
  });

  it("maps layers 'top:n' to layers_to_transform", () => {
    expect(loraConfig({ layers: 'top:2' }, model).layers_to_transform).toEqual([3, 4]);
    expect(loraConfig({ layers: [0, 2] }, model).layers_to_transform).toEqual([0, 2]);
    expect(loraConfig({ layers_to_transform: [4, 1] }, model).layers_to_transform).toEqual([1, 4]);
  });

  it('rejects bad options by name', () => {
    expect(() => loraConfig({ r: 0 }, model)).toThrow(/option 'r'.*positive integer, got 0/);
    expect(() => loraConfig({ lora_dropout: 1 }, model)).toThrow(/option 'lora_dropout'/);
    expect(() => loraConfig({ init_lora_weights: 'olora' as any }, model)).toThrow(/option 'init_lora_weights'.*"olora"/);
    expect(() => loraConfig({ layers: 'top:9' }, model)).toThrow(/option 'layers'.*9 of 5/);
    expect(() => loraConfig({ rank: 4 } as any, model)).toThrow(/option 'rank'.*unknown LoRA option/);
    expect(() => loraConfig({})).toThrow(/option 'target_modules'/);
  });

  it('scales by alpha/r, or alpha/sqrt(r) with rsLoRA', () => {
    expect(loraScaling({ r: 4, lora_alpha: 8, use_rslora: false })).toBe(2);
    expect(loraScaling({ r: 4, lora_alpha: 8, use_rslora: true })).toBe(4);
  });
});
