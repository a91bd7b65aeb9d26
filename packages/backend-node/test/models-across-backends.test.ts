/**
 * Model-level conformance on every installed backend: stories260K's documented greedy text (its README,
 * reproduced by an independent NumPy forward pass) on wasm, cpu and tensorflow; a MiniLM LoRA-FISH run
 * (Fisher → 1 % mask → 10 masked AdamW steps) giving the same loss trajectory on wasm and tensorflow.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Example } from '@fish-tuning/core';
import { generateIds, loadHfBert, loadLlama2c } from '@fish-tuning/models';
import { injectLora, loraConfig } from '@fish-tuning/lora';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToTensors, scoresFromTensors, selectMask } from '@fish-tuning/mask';
import { train } from '@fish-tuning/trainer';
import { hasShared, modelCachePath, sharedPath } from '@fish-tuning/test-utils';
import * as fs from 'node:fs';
import { nativeSetUp } from './native-available.js';

const native = nativeSetUp();
if (native) await (await import('@fish-tuning/backend-node')).ready();
const BACKENDS = ['wasm', 'cpu', ...(native ? ['tensorflow'] : [])];

/** The indented greedy-output block of the model's README. */
function documentedText(): string {
  const lines = fs.readFileSync(sharedPath('models', 'stories260K', 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('    Once upon a time'));
  const block: string[] = [];
  for (let i = start; i >= 0 && i < lines.length && lines[i].startsWith('    '); i++) block.push(lines[i].slice(4));
  return block.join('\n');
}

describe.skipIf(!hasShared('models', 'stories260K'))('stories260K greedy text on every backend', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: reproduces the documented story`, async () => {
      await tf.setBackend(backend);
      const { model, tokenizer } = await loadLlama2c(sharedPath('models', 'stories260K'));
      try {
        const gold = documentedText();
        expect(gold.length).toBeGreaterThan(200);
        const ids = await generateIds(model, [1], { maxNewTokens: 110 });
        const text = tokenizer!.decode(ids).trimStart();
        expect(text.startsWith(gold), text).toBe(true);
      } finally {
        model.dispose();
      }
    });
  }
});

const MINILM = modelCachePath('all-MiniLM-L6-v2');

/** Losses of Fisher (8 samples) → FISH mask over 1 % of LoRA's entries → 10 AdamW steps, on `backend`. */
async function loraFishLosses(backend: string): Promise<number[]> {
  await tf.setBackend(backend);
  const { model } = await loadHfBert(MINILM, { numLabels: 2, tokenizer: false, seed: 0 });
  const adapter = injectLora(model, loraConfig({ r: 8, lora_alpha: 16, target_modules: ['query', 'value'], init_lora_weights: 'gaussian' }, model), new Rng(1));
  try {
    const rng = new Rng(5);
    const examples: Array<Example & { labels: number }> = Array.from({ length: 40 }, (_, i) => ({ inputIds: [101, ...Array.from({ length: 12 + rng.int(20) }, () => 1000 + rng.int(28000)), 102], labels: i % 2 }));
    const params = [...adapter.trainableParameters(), ...model.headParameters()];
    const fisher = await computeFisher(model, adapter.trainableParameters(), exampleData(examples, { task: model.task }), { samples: 8, seed: 1 });
    const mask = selectMask(await scoresFromTensors(fisher.scores), { ratio: 0.01 });
    fisher.dispose();
    const masks = maskToTensors(mask);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    await train({ model, adapter, parameters: params, masks, train: examples, batchSize: 4, maxSteps: 10, lr: 1e-3, seed: 2, dropout: false, onStep: (r) => void losses.push(r.loss) });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...masks.values()]);
    return losses;
  } finally {
    adapter.dispose();
    model.dispose();
  }
}

describe.runIf(native && fs.existsSync(MINILM))('MiniLM LoRA-FISH: wasm and tensorflow follow the same loss trajectory', () => {
  it('10 masked steps agree within 1e-4 at every step', async () => {
    const wasm = await loraFishLosses('wasm');
    const tensorflow = await loraFishLosses('tensorflow');
    expect(wasm).toHaveLength(10);
    expect(new Set(wasm.map((l) => l.toFixed(4))).size).toBeGreaterThan(1);
    for (let i = 0; i < 10; i++) expect(Math.abs(tensorflow[i] - wasm[i]), `step ${i + 1}: ${tensorflow[i]} vs ${wasm[i]}`).toBeLessThanOrEqual(1e-4);
  });
});
