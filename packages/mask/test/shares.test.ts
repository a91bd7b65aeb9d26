import { describe, expect, it } from 'vitest';
import { maskShares, tensorKind } from '../src/index.js';

const bytes = (...v: number[]) => ({ shape: [v.length], data: Uint8Array.from(v) });

describe('tensorKind', () => {
  it('reads the module and the role from PEFT names of LoRA, DoRA and IA³ tensors', () => {
    expect(tensorKind('base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight')).toEqual({ module: 'q_proj', role: 'lora_A' });
    expect(tensorKind('base_model.model.bert.encoder.layer.5.attention.self.value.lora_B.weight')).toEqual({ module: 'value', role: 'lora_B' });
    expect(tensorKind('base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector')).toEqual({ module: 'v_proj', role: 'lora_magnitude_vector' });
    expect(tensorKind('base_model.model.model.layers.0.mlp.down_proj.ia3_l')).toEqual({ module: 'down_proj', role: 'ia3_l' });
  });

  it('is null for tensors of no known kind', () => {
    expect(tensorKind('base_model.model.classifier.weight')).toBeNull();
    expect(tensorKind('base_model.model.model.layers.0.q_proj.lora_Abc.weight')).toBeNull();
  });
});

describe('maskShares', () => {
  it('counts selected and total entries per layer and tensor kind (hand-counted)', () => {
    const tensors = new Map([
      ['base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', bytes(1, 0, 1, 0)],
      ['base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', bytes(0, 0, 1)],
      ['base_model.model.classifier.weight', bytes(1, 1, 0)],
      ['base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight', bytes(1, 1)],
      // Same layer and kind as the first tensor (another q_proj): counted with it.
      ['base_model.model.model.layers.0.cross_attn.q_proj.lora_A.weight', bytes(0, 0, 0, 1, 1)],
      ['base_model.model.model.layers.1.self_attn.v_proj.lora_magnitude_vector', bytes(0, 1, 0)],
      // Outside the layers and of no known kind, like the classifier: one group.
      ['base_model.model.score.weight', bytes(0, 1)],
    ]);
    expect(maskShares({ tensors })).toEqual([
      { layer: 0, kind: { module: 'q_proj', role: 'lora_A' }, selected: 4, total: 9 },
      { layer: 0, kind: { module: 'q_proj', role: 'lora_B' }, selected: 1, total: 3 },
      { layer: null, kind: null, selected: 3, total: 5 },
      { layer: 1, kind: { module: 'q_proj', role: 'lora_A' }, selected: 2, total: 2 },
      { layer: 1, kind: { module: 'v_proj', role: 'lora_magnitude_vector' }, selected: 1, total: 3 },
    ]);
  });

  it('is empty for an empty mask', () => {
    expect(maskShares({ tensors: new Map() })).toEqual([]);
  });
});
