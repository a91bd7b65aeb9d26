import { describe, expect, it, vi } from 'vitest';
import { defaultTargets, findModelFamily, getModelFamily, registerModelFamily, registeredModelFamilies } from '@fish-tuning/core';

describe('model-family table', () => {
  it('holds the built-in families with PEFT’s LoRA defaults and the paper’s (IA)^3 placement', () => {
    expect(registeredModelFamilies()).toEqual(expect.arrayContaining(['llama', 'bert']));
    expect(getModelFamily('llama').architecture).toBe('decoder');
    expect(getModelFamily('bert').architecture).toBe('encoder');
    expect(defaultTargets('llama', 'lora').target_modules).toEqual(['q_proj', 'v_proj']);
    expect(defaultTargets('bert', 'lora').target_modules).toEqual(['query', 'value']);
    expect(defaultTargets('bert', 'ia3')).toEqual({ target_modules: ['key', 'value', 'output.dense'], feedforward_modules: ['output.dense'], exclude_modules: ['attention.output.dense'] });
  });

  it('refuses unknown families and methods naming target_modules; prototype names are unknown', () => {
    expect(() => defaultTargets('gpt2', 'lora')).toThrow(/option 'target_modules': model_type 'gpt2' is not a registered model family; give target_modules/);
    expect(() => defaultTargets('llama', 'vera')).toThrow(/option 'target_modules': model_type 'llama' has no default for method 'vera'/);
    expect(() => defaultTargets('llama', 'constructor')).toThrow(/no default for method 'constructor'/);
    expect(findModelFamily('constructor')).toBeUndefined();
    expect(() => getModelFamily('__proto__')).toThrow(/option 'model_type': unknown model_type '__proto__'/);
  });

  it('takes new rows from model packages, warning on a replaced one', () => {
    registerModelFamily({ modelType: 'toyformer', architecture: 'decoder', targets: { lora: { target_modules: ['qkv'] } } });
    expect(defaultTargets('toyformer', 'lora').target_modules).toEqual(['qkv']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerModelFamily({ modelType: 'toyformer', architecture: 'encoder', targets: {} });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/'toyformer' registered again/));
    warn.mockRestore();
    expect(getModelFamily('toyformer').architecture).toBe('encoder');
    expect(() => registerModelFamily({ modelType: 'x', architecture: 'seq2seq' as never, targets: {} })).toThrow(/option 'architecture'/);
  });
});
