/**
 * The classifier mode's code (src/classify.ts, run by the page) in Node on wasm with a tiny slice: MiniLM from
 * the bytes of its files, SST-2 rows, PiSSA LoRA on the top layer, FISH and random masks of the same size from
 * the same start. Too slow for SwiftShader's WebGPU in a test; the page runs the same functions.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { hasShared, modelCachePath, sharedPath } from '@fish-tuning/test-utils';
import { accuracy, loadBertBytes, restoreHead, runClassify, snapshotHead, sst2Slice } from '../src/classify';

const dir = modelCachePath('all-MiniLM-L6-v2');
const missing = !fs.existsSync(path.join(dir, 'model.safetensors'))
  ? `${dir} is missing (pnpm fetch-models)`
  : !hasShared('data', 'sst2', 'train.jsonl')
    ? '../shared/data/sst2 is missing'
    : null;

describe.skipIf(missing)('classifier mode (MiniLM, SST-2) in Node', () => {
  it('runs FISH and a random mask of the same size from the same start without leaking tensors; under PiSSA FISH picks A and B entries', async () => {
    const read = (f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
    const loaded = loadBertBytes({ config: read('config.json'), weights: read('model.safetensors'), tokenizer: read('tokenizer.json'), tokenizerConfig: read('tokenizer_config.json') }, 0);
    try {
      const text = (f: string) => fs.readFileSync(sharedPath('data', 'sst2', f), 'utf8');
      const train = sst2Slice(text('train.jsonl'), 'train.jsonl', loaded.tokenizer, 4, 24).examples;
      const val = sst2Slice(text('validation.jsonl'), 'validation.jsonl', loaded.tokenizer, 4, 24).examples;
      expect(train[0].inputIds[0]).toBe(loaded.tokenizer.clsId);
      const head = await snapshotHead(loaded.model);
      const before = await accuracy(loaded.model, val, 4);
      expect(before).toBeGreaterThanOrEqual(0);
      expect(before).toBeLessThanOrEqual(1);
      const settings = { r: 4, loraAlpha: 8, topLayers: 1, ratio: 0.1, steps: 2, batchSize: 4, lr: 5e-3, seed: 0 };
      const masks = [];
      for (const selection of ['fish', 'random'] as const) {
        restoreHead(loaded.model, head);
        const tensorsBefore = tf.memory().numTensors;
        const run = await runClassify(loaded, train, { ...settings, selection });
        try {
          const params = run.adapter.trainableParameters();
          // Only the top layer's query/value: 2 modules × (A, B).
          expect(params.map((p) => p.name).sort()).toEqual(
            ['query', 'value'].flatMap((m) => ['A', 'B'].map((ab) => `base_model.model.bert.encoder.layer.5.attention.self.${m}.lora_${ab}.weight`)).sort(),
          );
          expect(run.losses.length).toBe(3);
          expect(run.losses.every(Number.isFinite)).toBe(true);
          const mask = run.mask!;
          expect(mask.k).toBe(Math.round(0.1 * mask.total));
          masks.push(mask);
          // Under PiSSA both A and B carry Fisher information, so FISH picks some of each.
          if (selection === 'fish') {
            const picked = (kind: string) => [...mask.tensors].filter(([n]) => n.includes(kind)).reduce((s, [, t]) => s + t.data.reduce((a, b) => a + b, 0), 0);
            expect(picked('lora_A')).toBeGreaterThan(0);
            expect(picked('lora_B')).toBeGreaterThan(0);
            expect(run.fisherBytes).not.toBeNull();
          }
          const after = await accuracy(loaded.model, val, 4);
          expect(after).toBeGreaterThanOrEqual(0);
        } finally {
          run.adapter.dispose();
        }
        expect(tf.memory().numTensors).toBe(tensorsBefore);
      }
      expect(masks[0].k).toBe(masks[1].k);
    } finally {
      loaded.model.dispose();
    }
  });
});
