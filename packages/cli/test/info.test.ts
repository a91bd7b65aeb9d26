/**
 * `fish-tune info` on every transformers fixture (packages/models/test/fixtures): the parameter count
 * equals the checkpoint's own tensor sizes, the fused modules are listed as targetable, and the LoRA
 * count for the fixture's attention targets equals the size of peft's own lora_A/lora_B tensors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { cli } from './run.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'test', 'fixtures');
const TARGETS: Record<string, string> = { llama: 'q_proj,k_proj,v_proj,o_proj', qwen2: 'q_proj,k_proj,v_proj,o_proj', phi3: 'qkv_proj,o_proj', bert: 'query,key,value', modernbert: 'Wqkv,attn.Wo' };
const FUSED: Record<string, string[]> = { phi3: ['self_attn.qkv_proj', 'mlp.gate_up_proj'], modernbert: ['attn.Wqkv', 'mlp.Wi'] };

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function checkpointSizes(dir: string): Promise<{ base: number; head: number }> {
  let base = 0;
  let head = 0;
  for (const f of fs.readdirSync(dir).filter((n) => /^model.*\.safetensors$/.test(n))) {
    for (const [name, t] of (await readSafetensorsFile(path.join(dir, f))).tensors) {
      if (name.startsWith('classifier.')) head += size(t.shape);
      else base += size(t.shape);
    }
  }
  return { base, head };
}

describe.each(Object.keys(TARGETS))('fish-tune info --model fixtures/%s', (name) => {
  it('architecture, parameter count, targetable modules; LoRA and FISH counts', async () => {
    const dir = path.join(FIXTURES, name);
    const r = await cli(['info', '--model', dir, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    const sizes = await checkpointSizes(dir);
    expect(rep).toMatchObject({ model_type: name, parameters: sizes.base, head_parameters: sizes.head });
    for (const m of FUSED[name] ?? []) expect(Object.keys(rep.targetable_modules)).toContain(m);

    const ref = (await readSafetensorsFile(path.join(dir, 'reference.safetensors'))).tensors;
    const peftLora = [...ref].filter(([k]) => k.startsWith('base_model.')).reduce((n, [, t]) => n + size(t.shape), 0);
    const l = await cli(['info', '--model', dir, '--method', 'lora', '--targets', TARGETS[name], '--rank', '4', '--ratio', '0.1', '--json']);
    expect(l.err).toBe('');
    const lr = JSON.parse(l.out);
    expect(lr.adapter_parameters).toBe(peftLora);
    expect(lr.trainable).toBe(peftLora + sizes.head);
    expect(lr.total).toBe(sizes.base + sizes.head + peftLora);
    expect(lr.fish).toMatchObject({ candidates: peftLora, selected: Math.round(0.1 * peftLora), trainable: Math.round(0.1 * peftLora) + sizes.head });

    const text = await cli(['info', '--model', dir, '--method', 'lora', '--targets', TARGETS[name], '--rank', '4']);
    expect(text.out).toMatch(new RegExp(`^architecture: ${name} `));
    expect(text.out).toMatch(/trainable of/);
  });
});

describe('fish-tune info errors', () => {
  it('a method flag without --method, an unknown method, --num-labels on a decoder', async () => {
    const dir = path.join(FIXTURES, 'llama');
    const a = await cli(['info', '--model', dir, '--rank', '4']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/option '--rank': needs --method/);
    const b = await cli(['info', '--model', dir, '--method', 'bitfit']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/option '--method'/);
    const c = await cli(['info', '--model', dir, '--num-labels', '3']);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/option '--num-labels': does not apply/);
  });
});
