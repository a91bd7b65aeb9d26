/**
 * Per-sample Fisher (N = 128) against one batched forward+backward over the same 128 samples, on
 * the wasm backend: the vectorised path's cost over a plain gradient, and the loop's for reference.
 * The batched baseline takes the gradient of the mean loss w.r.t. the same PEFT variables, in the same
 * chunks (what one training step over 128 samples with micro-batches costs).
 *
 *   pnpm exec vitest run --config packages/fisher/bench/vitest.bench.config.ts
 *
 * Env: BENCH_N (128), BENCH_SEQ (64), BENCH_CHUNK (16).
 */
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { EVAL_CONTEXT, Rng, type PeftTargetModel, type TrainableParameter } from '@fish-tuning/core';
import { createBert, loadLlama2c } from '@fish-tuning/models';
import { loraTuner } from '@fish-tuning/lora';
import { sharedPath } from '@fish-tuning/test-utils';
import { disposeBatch } from '@fish-tuning/core';
import { computeFisher, exampleData, type FisherData } from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 128);
const SEQ = Number(process.env.BENCH_SEQ ?? 64);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 16);

function batchedGradient(model: PeftTargetModel, params: TrainableParameter[], data: FisherData): void {
  const vars = params.map((p) => p.variable);
  let acc: tf.Tensor[] | null = null;
  for (let s = 0; s < N; s += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, N - s) }, (_, i) => s + i);
    const batch = data.batch(rows);
    const grads = tf.grads(() => tf.div(tf.sum(model.perExampleLoss(batch, EVAL_CONTEXT)), N))(vars);
    if (acc) {
      const next = acc.map((a, j) => tf.add(a, grads[j]));
      tf.dispose([...acc, ...grads]);
      acc = next;
    } else acc = grads;
    disposeBatch(batch);
  }
  for (const g of acc!) g.dataSync();
  tf.dispose(acc!);
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function run(label: string, model: PeftTargetModel, data: FisherData): Promise<void> {
  const adapter = loraTuner.inject(model, loraTuner.config({ r: 8, lora_alpha: 16 }, model), new Rng(1));
  const params = adapter.trainableParameters();
  const count = params.reduce((n, p) => n + p.variable.size, 0);
  // Warm-up (kernel compilation, allocations).
  await computeFisher(model, params, data, { indices: [0, 1], method: 'vectorised' }).then((r) => r.dispose());
  batchedGradient(model, params, { size: 2, batch: (rows) => data.batch(rows) });
  const batched = await time(() => batchedGradient(model, params, data));
  const vec = await time(async () => (await computeFisher(model, params, data, { samples: N, order: 'first', method: 'vectorised', chunkSize: CHUNK })).dispose());
  const loop = await time(async () => (await computeFisher(model, params, data, { samples: N, order: 'first', method: 'loop', chunkSize: CHUNK })).dispose());
  console.log(
    `${label}: LoRA r=8 (${count} params), N=${N}, seq ${SEQ}, chunk ${CHUNK}: batched fwd+bwd ${batched.toFixed(2)} s, ` +
      `per-sample vectorised ${vec.toFixed(2)} s (${(vec / batched).toFixed(2)}×), loop ${loop.toFixed(2)} s (${(loop / batched).toFixed(2)}×)`,
  );
  adapter.dispose();
}

it('per-sample Fisher vs batched gradient', async () => {
  console.log(`backend ${tf.getBackend()}`);
  const rng = new Rng(3);
  const { model: llama } = await loadLlama2c(sharedPath('models', 'stories260K'));
  const lmRows = Array.from({ length: N }, () => {
    const ids = [1, ...Array.from({ length: SEQ - 1 }, () => 3 + rng.int(509))];
    return { inputIds: ids, labels: ids };
  });
  await run('stories260K', llama, exampleData(lmRows, { task: 'causal-lm' }));
  llama.dispose();

  const bert = createBert({ vocab_size: 30522, hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 1024, max_position_embeddings: 512 }, 1, { numLabels: 2 });
  const clsRows = Array.from({ length: N }, () => ({ inputIds: [101, ...Array.from({ length: SEQ - 2 }, () => 1000 + rng.int(20000)), 102], labels: rng.int(2) }));
  await run('BERT 4×256 (random)', bert, exampleData(clsRows, { task: 'classification' }));
  bert.dispose();
});
