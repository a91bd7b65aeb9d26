import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, MASK_SIDECAR_NAME, readSafetensorsBytes } from '@fish-tuning/core';
import { generate, loadLlama2c } from '@fish-tuning/models';
import { maskFromBytes } from '@fish-tuning/mask';
import { CHROMIUM_PATH, hasChromium, hasShared, runInChromium, sharedPath } from '@fish-tuning/test-utils';

const here = path.dirname(fileURLToPath(import.meta.url));

interface BrowserResult {
  backend: string;
  tokens: number;
  steps: number;
  before: string;
  after: string;
  losses: number[];
  k: number;
  total: number;
  changed: number;
  outsideMask: number;
  files: Record<string, number[]>;
  times: Record<string, number>;
}

/** The indented greedy-output block of the model's README, lines joined by the <0x0A> newline. */
function readmeGreedyText(dir: string): string {
  const lines = fs.readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('    Once upon a time'));
  const block: string[] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('    '); i++) block.push(lines[i].slice(4));
  return block.join('\n');
}

describe('browser example in headless Chromium (WebGPU)', () => {
  it('generates the documented text, trains FISH-LoRA with a falling loss and exports a PEFT adapter', async () => {
    if (!hasChromium()) {
      console.warn(`skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set FISH_CHROMIUM)`);
      return;
    }
    if (!hasShared('models', 'stories260K')) {
      console.warn('skipped: ../shared/models/stories260K is missing');
      return;
    }
    const dir = sharedPath('models', 'stories260K');
    const started = Date.now();
    const r = await runInChromium<BrowserResult>(path.join(here, 'browser-entry.ts'), { serve: { '/model/': dir } });
    console.log(`browser example: ${Date.now() - started} ms in all; page steps (ms): ${JSON.stringify(r.times)}; losses ${r.losses.map((l) => l.toFixed(4)).join(' ')}`);
    expect(r.backend).toBe('webgpu');

    // Same greedy generation with the Node loader on wasm: an independent path to the same tokens.
    const { model, tokenizer } = await loadLlama2c(dir);
    expect(tf.getBackend()).toBe('wasm');
    const node = await generate(model, tokenizer!, { maxNewTokens: r.tokens, temperature: 0 });
    model.dispose();
    expect(r.before).toBe(node.text);
    expect(r.before.length).toBeGreaterThan(r.tokens);
    expect(readmeGreedyText(dir).startsWith(r.before)).toBe(true);
    expect(r.after.length).toBeGreaterThan(0); // generation with the adapter in place ran

    // Loss: every step's loss is below the first, and the final one below all.
    expect(r.losses.length).toBe(r.steps + 1);
    const [first, ...rest] = r.losses;
    for (const l of rest) expect(l).toBeLessThan(first);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[r.losses.length - 2]);

    // Only masked-in entries moved (masked-out ones are bit-identical), and no more than k of them.
    expect(r.k).toBe(Math.round(0.1 * r.total));
    expect(r.changed).toBeGreaterThan(0);
    expect(r.changed).toBeLessThanOrEqual(r.k);
    expect(r.outsideMask).toBe(0);

    // The files parse, with PEFT names and shapes (5 layers × q_proj, v_proj × lora_A, lora_B; r 4).
    const config = JSON.parse(new TextDecoder().decode(Uint8Array.from(r.files[ADAPTER_CONFIG_NAME])));
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, task_type: 'CAUSAL_LM' });
    expect([...config.target_modules].sort()).toEqual(['q_proj', 'v_proj']);
    const { tensors } = readSafetensorsBytes(Uint8Array.from(r.files[ADAPTER_WEIGHTS_NAME]), ADAPTER_WEIGHTS_NAME);
    expect(tensors.size).toBe(20);
    for (let i = 0; i < 5; i++) {
      const p = `base_model.model.model.layers.${i}.self_attn`;
      expect(tensors.get(`${p}.q_proj.lora_A.weight`)?.shape).toEqual([4, 64]);
      expect(tensors.get(`${p}.q_proj.lora_B.weight`)?.shape).toEqual([64, 4]);
      expect(tensors.get(`${p}.v_proj.lora_A.weight`)?.shape).toEqual([4, 64]);
      expect(tensors.get(`${p}.v_proj.lora_B.weight`)?.shape).toEqual([32, 4]);
    }
    const mask = maskFromBytes(Uint8Array.from(r.files[MASK_SIDECAR_NAME]), MASK_SIDECAR_NAME);
    expect(mask.k).toBe(r.k);
    expect([...mask.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
  });
});
