/**
 * One backend's share of docs/benchmarks.md: a MiniLM (all-MiniLM-L6-v2) LoRA step at batch 16 × seq 128 with
 * LoRA r=8 on query,value in all 6 layers (+ the classifier head), the per-sample Fisher of 128 samples, and
 * the FISH-1 % / vanilla step ratio. Prints one JSON line. CPU time (process.cpuUsage: all threads of this
 * process) as well as wall time, because the machine is shared.
 *   node scripts/bench/run-ts.mjs scripts/bench/minilm-backend.ts --backend wasm|tensorflow [--steps 3] [--fisher 128] [--stock-batched-matmul]
 * Threads: wasm is single-threaded in Node; tensorflow reads TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Example } from '@fish-tuning/core';
import { ready as wasmReady } from '@fish-tuning/backend-wasm';
import { loadHfBert } from '@fish-tuning/models';
import { injectLora, loraConfig } from '@fish-tuning/lora';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToTensors, scoresFromTensors, selectMask } from '@fish-tuning/mask';
import { train } from '@fish-tuning/trainer';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, steps: { type: 'string', default: '3' }, fisher: { type: 'string', default: '128' }, model: { type: 'string', default: '.cache/models/all-MiniLM-L6-v2' }, 'stock-batched-matmul': { type: 'boolean', default: false } } });
const backend = values.backend!;
const steps = Number(values.steps);
const fisherSamples = Number(values.fisher);

await wasmReady();
let device = 'wasm (1 thread)';
if (backend === 'tensorflow') {
  const info = await (await import('@fish-tuning/backend-node')).ready();
  device = `tensorflow ${info.libtensorflow} (intra-op threads ${process.env.TF_NUM_INTRAOP_THREADS ?? 'default'})`;
} else if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed`);
if (values['stock-batched-matmul']) {
  // For the before/after row: tfjs' own BatchMatMul kernel instead of fish-tuning's (wasm).
  const fixed = tf.getKernel(tf.BatchMatMul, backend) as tf.KernelConfig & { stock?: tf.KernelConfig };
  if (!fixed.stock) throw new Error(`--stock-batched-matmul: ${backend} has no fish-tuning BatchMatMul kernel`);
  tf.unregisterKernel(tf.BatchMatMul, backend);
  tf.registerKernel(fixed.stock);
  device += ', stock BatchMatMul kernel';
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const SEQ = 128;
const BATCH = 16;
const rng = new Rng(7);
const examples: Array<Example & { labels: number }> = Array.from({ length: Math.max(fisherSamples, BATCH * (steps + 1)) }, (_, i) => ({
  inputIds: [101, ...Array.from({ length: SEQ - 2 }, () => 1000 + rng.int(28000)), 102],
  labels: i % 2,
}));

const { model } = await loadHfBert(values.model!, { numLabels: 2, tokenizer: false, seed: 0 });
const adapter = injectLora(model, loraConfig({ r: 8, lora_alpha: 16, target_modules: ['query', 'value'], init_lora_weights: 'gaussian' }, model), new Rng(1));
const params = [...adapter.trainableParameters(), ...model.headParameters()];
// wasm's heap is capped at 4 GiB: micro-batches (and Fisher chunks) of 8 × 128; the others take 16 × 128 at once.
const maxTokens = backend === 'wasm' ? 1024 : BATCH * SEQ;

/** Per-step CPU and wall ms of steps 2..n+1 (the first one warms up). */
async function stepTimes(masks: Map<string, tf.Tensor> | null): Promise<{ cpu: number[]; wall: number[] }> {
  const cpu: number[] = [];
  const wall: number[] = [];
  let c = cpuMs();
  let w = performance.now();
  await train({
    model, adapter, parameters: params, masks, train: examples.slice(0, BATCH * (steps + 1)), batchSize: BATCH, maxSteps: steps + 1, lr: 1e-4, seed: 3,
    dropout: false, maxTokensPerMicroBatch: maxTokens, activationCache: 'off', shuffle: false,
    onStep: (r) => {
      const [c1, w1] = [cpuMs(), performance.now()];
      if (r.step > 1) {
        cpu.push(c1 - c);
        wall.push(w1 - w);
      }
      [c, w] = [c1, w1];
    },
  });
  return { cpu, wall };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const progress = (what: string) => process.stderr.write(`[${backend}] ${what} (cpu ${(cpuMs() / 1000).toFixed(0)} s)\n`);
progress('model loaded; vanilla LoRA steps');
const vanilla = await stepTimes(null);
progress('Fisher');
let c0 = cpuMs();
let w0 = performance.now();
const fisher = await computeFisher(model, adapter.trainableParameters(), exampleData(examples.slice(0, fisherSamples), { task: model.task }), { samples: fisherSamples, seed: 1, chunkSize: maxTokens / SEQ });
const fisherCpu = cpuMs() - c0;
const fisherWall = performance.now() - w0;
const mask = selectMask(await scoresFromTensors(fisher.scores), { ratio: 0.01 });
fisher.dispose();
const masks = maskToTensors(mask);
progress('FISH-1 % steps');
const fish = await stepTimes(masks);
progress('vanilla steps again');
// A second vanilla run after the FISH one, so that drift in machine load shows up in the ratio's spread.
const vanilla2 = await stepTimes(null);

console.log(
  JSON.stringify({
    backend,
    device,
    step: { cpuMs: median([...vanilla.cpu, ...vanilla2.cpu]), wallMs: median([...vanilla.wall, ...vanilla2.wall]), samples: [...vanilla.cpu, ...vanilla2.cpu] },
    fisher: { samples: fisherSamples, cpuMs: fisherCpu, wallMs: fisherWall, method: fisher.method },
    fishStep: { cpuMs: median(fish.cpu), wallMs: median(fish.wall), samples: fish.cpu },
    fishOverVanillaCpu: median(fish.cpu) / median([...vanilla.cpu, ...vanilla2.cpu]),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
tf.dispose([...masks.values()]);
adapter.dispose();
model.dispose();
