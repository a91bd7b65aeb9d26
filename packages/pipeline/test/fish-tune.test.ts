import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, getTuner, type Example } from '@fish-tuning/core';
import { loadLlama2c } from '@fish-tuning/models';
import { registerLora } from '@fish-tuning/lora';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToTensors, scoresFromTensors, selectMask } from '@fish-tuning/mask';
import { train } from '@fish-tuning/trainer';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { fishTune, type FishTuneMessage, type FishTuneProgress } from '../src/index.js';
import { fishTuneInDir } from '../src/node-entry.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => registerLora());

function rows(n: number, seed = 3): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const ids = [1, ...Array.from({ length: 5 + rng.int(5) }, () => 3 + rng.int(500))];
    return { inputIds: ids, labels: ids };
  });
}

const config = { r: 2, target_modules: ['q_proj', 'v_proj'] };
const training = { lr: 1e-2, maxSteps: 3, batchSize: 4 };

async function adapterValues(adapter: { trainableParameters(): { name: string; variable: tf.Variable }[] }): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of adapter.trainableParameters()) out.set(p.name, Float32Array.from(await p.variable.data()));
  return out;
}

describe.skipIf(!hasShared('models', 'stories260K'))('fishTune (stories260K, LoRA)', () => {
  it('equals Fisher → selectMask → train composed by hand, with PiSSA as the default init under a FISH mask', async () => {
    const data = rows(12);
    const { model } = await loadLlama2c(MODEL);
    const phases: string[] = [];
    const messages: FishTuneMessage[] = [];
    const result = await fishTune({
      model, method: 'lora', config, train: data, ratio: 0.1, fisher: { samples: 8 }, seed: 5, training,
      onProgress: (p: FishTuneProgress) => void phases.push(`${p.phase} ${p.done}/${p.total}`),
      onMessage: (m) => void messages.push(m),
    });
    expect(result.config.init_lora_weights).toBe('pissa');
    expect(result.fisherSamples).toBe(8);
    expect(result.mask!.k).toBe(Math.round(0.1 * result.mask!.total));
    expect(phases.filter((p) => p.startsWith('fisher')).at(-1)).toBe('fisher 8/8');
    expect(phases.filter((p) => !p.startsWith('fisher'))).toEqual(['mask 1/1', 'train 1/3', 'train 2/3', 'train 3/3']);
    expect(messages.filter((m) => m.level === 'warning')).toEqual([]);
    const got = await adapterValues(result.adapter);
    result.adapter.dispose();
    model.dispose();

    // The same steps by hand.
    const again = await loadLlama2c(MODEL);
    const tuner = getTuner('lora');
    const adapter = tuner.inject(again.model, tuner.config({ ...config, init_lora_weights: 'pissa' }, again.model), new Rng(5));
    const candidates = adapter.trainableParameters().filter((p) => p.fishCandidate);
    const fisher = await computeFisher(again.model, candidates, exampleData(data, { task: 'causal-lm' }), { samples: 8, seed: 5 });
    const mask = selectMask(await scoresFromTensors(fisher.scores), { ratio: 0.1, seed: 5 });
    fisher.dispose();
    const masks = maskToTensors(mask);
    await train({ model: again.model, adapter, masks, train: data, seed: 5, ...training });
    const want = await adapterValues(adapter);
    tf.dispose([...masks.values()]);
    adapter.dispose();
    again.model.dispose();
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, v] of want) expect(got.get(name), name).toEqual(v);
    expect([...result.mask!.tensors.values()].map((t) => [...t.data])).toEqual([...mask.tensors.values()].map((t) => [...t.data]));
  });

  it('warns that a zero-B init gives lora_A a Fisher of 0; caps the samples with a note; random needs no Fisher', async () => {
    const { model } = await loadLlama2c(MODEL);
    const messages: FishTuneMessage[] = [];
    const a = await fishTune({ model, method: 'lora', config: { ...config, init_lora_weights: true }, train: rows(6), count: 20, training: { maxSteps: 1 }, onMessage: (m) => void messages.push(m) });
    expect(messages.find((m) => m.level === 'warning')).toMatchObject({ option: 'init_lora_weights', message: expect.stringMatching(/lora_A entry has a Fisher of 0/) });
    expect(messages.find((m) => m.option === 'samples')?.message).toMatch(/Fisher on 6 samples: the default is 256, the training data has 6/);
    // Measured, not assumed: with B = 0 every selected entry is a lora_B entry.
    for (const [name, t] of a.mask!.tensors) if (name.includes('lora_A')) expect(t.data.reduce((s, v) => s + v, 0), name).toBe(0);
    a.adapter.dispose();

    let fisherCalls = 0;
    const r = await fishTune({ model, method: 'lora', config, mask: 'random', ratio: 0.2, train: rows(6), training: { maxSteps: 1 }, onFisher: () => void fisherCalls++, onMessage: () => {} });
    expect(fisherCalls).toBe(0);
    expect(r.fisherSamples).toBeNull();
    expect(r.mask!.selection).toBe('random');
    expect(r.config.init_lora_weights).toBe(true); // PiSSA is the default under a FISH mask only
    r.adapter.dispose();
    model.dispose();
  });

  it('given scores skip the estimate: the reverse mask from the FISH run\'s scores equals one estimated afresh; wrong names or shapes are refused', async () => {
    const data = rows(10);
    const { model } = await loadLlama2c(MODEL);
    const base = { model, method: 'lora', config: { ...config, init_lora_weights: 'pissa' }, train: data, ratio: 0.1, fisher: { samples: 6 }, seed: 2, training: { maxSteps: 1 }, onMessage: () => {} };
    let saved: Awaited<ReturnType<typeof scoresFromTensors>> | null = null;
    const fish = await fishTune({ ...base, onFisher: async (f) => void (saved = await scoresFromTensors(f.scores)) });
    fish.adapter.dispose();
    const fresh = await fishTune({ ...base, mask: 'reverse' });
    fresh.adapter.dispose();
    let fisherCalls = 0;
    const reused = await fishTune({ ...base, mask: 'reverse', fisher: { scores: saved! }, onFisher: () => void fisherCalls++ });
    reused.adapter.dispose();
    expect(fisherCalls).toBe(0);
    expect(reused.fisherSamples).toBeNull();
    expect(reused.mask!.k).toBe(fresh.mask!.k);
    for (const [name, t] of fresh.mask!.tensors) expect([...reused.mask!.tensors.get(name)!.data], name).toEqual([...t.data]);

    const scores = saved! as Map<string, { shape: number[]; data: Float32Array }>;
    const [first, firstScore] = [...scores][0]!;
    const missing = new Map(scores);
    missing.delete(first);
    await expect(fishTune({ ...base, fisher: { scores: missing } })).rejects.toThrow(new RegExp(`no score for this FISH candidate.*${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*no score`));
    const extra = new Map(scores).set('base_model.model.nowhere.lora_A.weight', firstScore);
    await expect(fishTune({ ...base, fisher: { scores: extra } })).rejects.toThrow(/nowhere\.lora_A/);
    const reshaped = new Map(scores).set(first, { shape: [firstScore.shape[1]!, firstScore.shape[0]!], data: firstScore.data });
    await expect(fishTune({ ...base, fisher: { scores: reshaped } })).rejects.toThrow(/score shape \[\d+, \d+\].*is not the parameter's/);
    model.dispose();
  });

  it('checks options before any model work, naming them', async () => {
    const { model } = await loadLlama2c(MODEL);
    const base = { model, method: 'lora', config, train: rows(4) };
    await expect(fishTune({ ...base })).rejects.toThrow(/option 'ratio'.*exactly one of ratio and count/);
    await expect(fishTune({ ...base, mask: 'none', ratio: 0.1 })).rejects.toThrow(/option 'mask'/);
    await expect(fishTune({ ...base, mask: 'bogus' as 'none' })).rejects.toThrow(/option 'mask'.*bogus/);
    await expect(fishTune({ ...base, count: 10 ** 9 })).rejects.toThrow(/option 'count'.*exceeds/);
    await expect(fishTune({ ...base, mask: 'none', metric: () => ({}) })).rejects.toThrow(/option 'metric'/);
    model.dispose();
  });

  it('fishTuneInDir: locks and refuses a non-empty directory, overwrites only when asked, resume of a finished run is a no-op', async () => {
    const out = path.join(tmp, 'run');
    const { model } = await loadLlama2c(MODEL);
    const opts = { model, method: 'lora', config, train: rows(8), ratio: 0.1, fisher: { samples: 4 }, training: { maxSteps: 2, batchSize: 4 }, outDir: out, onMessage: () => {} };
    (await fishTuneInDir(opts)).adapter.dispose();
    for (const f of ['adapter_model.safetensors', 'fish_fisher.safetensors', 'fish_mask.safetensors', 'checkpoint/trainer_state.json', 'metrics.json', 'log.jsonl']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    expect(fs.existsSync(path.join(out, '.fish-tune.lock'))).toBe(false);

    await expect(fishTuneInDir(opts)).rejects.toThrow(/option 'outDir'.*not empty/);
    // Another live process holds the lock (our parent stands in for it).
    fs.writeFileSync(path.join(out, '.fish-tune.lock'), `${process.ppid}\n`);
    await expect(fishTuneInDir({ ...opts, overwrite: true })).rejects.toThrow(new RegExp(`another run \\(pid ${process.ppid}\\)`));
    // A dead owner's lock and a killed run's temporary checkpoint are cleaned up.
    fs.writeFileSync(path.join(out, '.fish-tune.lock'), '999999999\n');
    fs.mkdirSync(path.join(out, 'checkpoint.tmp-999999999'));
    const metrics = fs.readFileSync(path.join(out, 'metrics.json'));
    const log = fs.readFileSync(path.join(out, 'log.jsonl'));
    const done = await fishTuneInDir({ ...opts, resume: true });
    done.adapter.dispose();
    expect(done.train.finishedBefore).toBe(true);
    expect(fs.readFileSync(path.join(out, 'metrics.json')).equals(metrics)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'log.jsonl')).equals(log)).toBe(true);
    expect(fs.existsSync(path.join(out, 'checkpoint.tmp-999999999'))).toBe(false);

    // Overwrite with a dense run: the previous run's Fisher and mask do not stay beside it.
    (await fishTuneInDir({ ...opts, ratio: undefined, mask: 'none', overwrite: true })).adapter.dispose();
    expect(fs.existsSync(path.join(out, 'fish_mask.safetensors'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'fish_fisher.safetensors'))).toBe(false);
    model.dispose();
  });
});
