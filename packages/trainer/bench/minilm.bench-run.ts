/**
 * Benchmark (not a test): MiniLM-size random BERT (6 × 384, 12 heads, intermediate 1536), LoRA r=8 on
 * query/value of the top 5 layers, batch 8 × seq 128, wasm backend. Prints step time of vanilla LoRA vs
 * FISH-masked LoRA (ratio 1 %, sparse optimizer state), peak tensor memory of one step of each
 * (tf.profile peakBytes), optimizer-state bytes, and epoch time with vs without the frozen-prefix cache.
 *
 * Run from the repository root:
 *   pnpm exec vitest run --config packages/trainer/bench/vitest.bench.config.ts
 * Environment: BENCH_SEQ (128), BENCH_BATCH (8), BENCH_STEPS (3 timed steps after 1 warm-up).
 */
import { it } from 'vitest';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Example, type PeftAdapter } from '@fish-tuning/core';
import { createBert } from '@fish-tuning/models';
import { injectLora, loraConfig } from '@fish-tuning/lora';
import { maskToTensors, selectMask } from '@fish-tuning/mask';
import type { StepRecord } from '../src/index.js';
import { train, type DirTrainOptions as TrainOptions } from '../src/node-entry.js';

const SEQ = Number(process.env.BENCH_SEQ ?? 128);
const BATCH = Number(process.env.BENCH_BATCH ?? 8);
const STEPS = Number(process.env.BENCH_STEPS ?? 3);

function setup() {
  const model = createBert(
    { vocab_size: 30522, hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536, max_position_embeddings: 512 },
    1,
    { numLabels: 2 },
  );
  const adapter = injectLora(model, loraConfig({ r: 8, lora_alpha: 16, layers: 'top:5' }, model), new Rng(2));
  return { model, adapter };
}

function data(n: number): Example[] {
  const rng = new Rng(3);
  return Array.from({ length: n }, () => ({ inputIds: [101, ...Array.from({ length: SEQ - 1 }, () => 1000 + rng.int(29000))], labels: rng.int(2) }));
}

function fishMask(adapter: PeftAdapter, ratio: number): Map<string, tf.Tensor> {
  // Step cost depends on k only, not on which entries: a seeded random selection of the same size as FISH's.
  const shapes = new Map(adapter.trainableParameters().filter((p) => p.fishCandidate).map((p) => [p.name, { shape: [...p.variable.shape], data: new Float32Array(p.variable.size) }]));
  return maskToTensors(selectMask(shapes, { ratio, selection: 'random', seed: 5 }));
}

/** CPU milliseconds of this process (wasm runs single-threaded: robust to other processes on the machine). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function timedRun(options: Partial<TrainOptions>, masked: boolean): Promise<{ steps: StepRecord[]; cpu: number[]; stateBytes: number; peakBytes: number }> {
  const { model, adapter } = setup();
  const masks = masked ? fishMask(adapter, 0.01) : null;
  const steps: StepRecord[] = [];
  const common: TrainOptions = { model, adapter, masks, train: data(BATCH * (STEPS + 1)), batchSize: BATCH, lr: 1e-3, seed: 1, dropout: true, activationCache: 'off', ...options };
  const cpu: number[] = [];
  let last = cpuMs();
  const result = await train({
    ...common,
    onStep: (r) => {
      const now = cpuMs();
      cpu.push(now - last);
      last = now;
      steps.push(r);
    },
  });
  // Peak tensor bytes of one more (fresh) update, optimizer construction included.
  const profile = await tf.profile(async () => {
    await train({ ...common, maxSteps: 1, epochs: undefined });
  });
  for (const m of masks?.values() ?? []) m.dispose();
  adapter.dispose();
  model.dispose();
  return { steps, cpu, stateBytes: result.optimizerStateBytes, peakBytes: profile.peakBytes };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mib = (b: number) => (b / 2 ** 20).toFixed(1) + ' MiB';

it('MiniLM-size LoRA: vanilla vs FISH-masked, frozen-prefix cache', async () => {
  const lines: string[] = [`backend ${tf.getBackend()}, batch ${BATCH} × seq ${SEQ}, LoRA r=8 on query/value of layers 1–5 of 6, ${STEPS} timed steps after 1 warm-up`];
  const vanilla = await timedRun({ maxSteps: STEPS + 1 }, false);
  const fish = await timedRun({ maxSteps: STEPS + 1 }, true);
  const tv = mean(vanilla.steps.slice(1).map((s) => s.stepMs));
  const tfish = mean(fish.steps.slice(1).map((s) => s.stepMs));
  const cv = mean(vanilla.cpu.slice(1));
  const cf = mean(fish.cpu.slice(1));
  lines.push(`step CPU time   vanilla LoRA ${(cv / 1000).toFixed(2)} s   FISH 1% ${(cf / 1000).toFixed(2)} s   ratio ${(cf / cv).toFixed(3)}×`);
  lines.push(`step wall time  vanilla LoRA ${(tv / 1000).toFixed(2)} s   FISH 1% ${(tfish / 1000).toFixed(2)} s   ratio ${(tfish / tv).toFixed(3)}×   (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
  lines.push(`peak tensor bytes (one update)   vanilla ${mib(vanilla.peakBytes)}   FISH ${mib(fish.peakBytes)}`);
  lines.push(`optimizer state   vanilla ${vanilla.stateBytes} B   FISH 1% ${fish.stateBytes} B   (${((100 * fish.stateBytes) / vanilla.stateBytes).toFixed(2)} %; both include the dense classifier head's ${2 * 4 * (384 * 2 + 2)} B)`);

  // Epoch time: 2 epochs of 2 steps; epoch 2 is the steady state (epoch 1 fills the cache).
  const epochs: Record<string, number[]> = {};
  for (const cache of ['off', 'memory'] as const) {
    const { model, adapter } = setup();
    const masks = fishMask(adapter, 0.01);
    const times = [0, 0];
    let last = cpuMs();
    await train({
      model, adapter, masks, train: data(BATCH * 2), batchSize: BATCH, epochs: 2, seed: 1, dropout: true, activationCache: cache,
      onStep: (r) => {
        const now = cpuMs();
        times[Math.ceil(r.epoch) - 1] += now - last;
        last = now;
      },
    });
    epochs[cache] = times;
    for (const m of masks.values()) m.dispose();
    adapter.dispose();
    model.dispose();
  }
  lines.push(`epoch CPU time (2 steps)   no cache: epoch1 ${(epochs.off[0] / 1000).toFixed(2)} s, epoch2 ${(epochs.off[1] / 1000).toFixed(2)} s   cache: epoch1 ${(epochs.memory[0] / 1000).toFixed(2)} s, epoch2 ${(epochs.memory[1] / 1000).toFixed(2)} s   (epoch-2 speed-up ${(epochs.off[1] / epochs.memory[1]).toFixed(2)}×)`);
  console.log('\n' + lines.join('\n') + '\n');
});
