import { describe, expect, it } from 'vitest';
import { matchesTarget, resolveLayers, layerIndexOf } from '@fish-tuning/core';

describe('PEFT target matching', () => {
  const q3 = 'model.layers.3.self_attn.q_proj';
  it('matches list entries by exact name or dotted suffix, never by substring', () => {
    expect(matchesTarget({ target_modules: ['q_proj'] }, q3)).toBe(true);
    expect(matchesTarget({ target_modules: ['proj'] }, q3)).toBe(false);
    expect(matchesTarget({ target_modules: ['self_attn.q_proj'] }, q3)).toBe(true);
    expect(matchesTarget({ target_modules: ['output.dense'] }, 'bert.encoder.layer.1.attention.output.dense')).toBe(true);
  });
  it('treats a string as a full-match regex', () => {
    expect(matchesTarget({ target_modules: '.*\\.(q|v)_proj' }, q3)).toBe(true);
    expect(matchesTarget({ target_modules: 'q_proj' }, q3)).toBe(false);
  });
  it('applies exclude_modules and layers_to_transform', () => {
    expect(matchesTarget({ target_modules: ['q_proj'], exclude_modules: ['layers.3.self_attn.q_proj'] }, q3)).toBe(false);
    expect(matchesTarget({ target_modules: ['q_proj'], layers_to_transform: [2, 3] }, q3)).toBe(true);
    expect(matchesTarget({ target_modules: ['q_proj'], layers_to_transform: 4 }, q3)).toBe(false);
    expect(layerIndexOf('bert.encoder.layer.11.attention.self.query')).toBe(11);
    expect(layerIndexOf('lm_head')).toBeNull();
  });
  it('resolves top:n to the layers nearest the output and rejects bad choices by option name', () => {
    expect(resolveLayers('top:2', 12)).toEqual([10, 11]);
    expect(resolveLayers('all', 12)).toBeNull();
    expect(resolveLayers('3,1,1', 12)).toEqual([1, 3]);
    expect(() => resolveLayers('top:13', 12, '--layers')).toThrow(/option '--layers'.*13 of 12/);
    expect(() => resolveLayers('12', 12, '--layers')).toThrow(/option '--layers'.*outside 0\.\.11/);
    expect(() => resolveLayers('first', 12, '--layers')).toThrow(/option '--layers'/);
  });
});
