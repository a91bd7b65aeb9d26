/**
 * Forward + backward time of one MiniLM-size BERT step (6 layers × 384, 12 heads, intermediate 1536,
 * vocab 30522, batch 8 × seq 128, random weights) on the wasm backend, with the project's matMul
 * gradient (core/backend-fixes.ts: explicit transposes + plain matMuls) and with tfjs-core's stock
 * one (transposed matMuls), in one run. Gradients are taken w.r.t. every dense kernel (made Variables
 * here) and the classifier, so each matMul computes dX and dW. Dropout off (eval) for equal work.
 *
 *   pnpm exec vitest run --config packages/models/bench/vitest.bench.config.ts
 */
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// The stock gradient, re-registered to time it (vitest resolves this extension-less dist path).
import { batchMatMulGradConfig } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad';
import { EVAL_CONTEXT, Linear, Rng, installBackendFixes, namedModules } from '@fish-tuning/core';
import { createBert } from '../src/bert/index.js';

const B = Number(process.env.BENCH_BATCH ?? 8);
const T = Number(process.env.BENCH_SEQ ?? 128);

it('matMul gradient: project vs stock', () => {
  console.log(`backend ${tf.getBackend()}, batch ${B} × seq ${T}`);
  const model = createBert(
    { vocab_size: 30522, hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536, max_position_embeddings: 512 },
    1,
    { numLabels: 2 },
  );
  const vars: tf.Variable[] = model.headParameters().map((p) => p.variable);
  for (const [, m] of namedModules(model)) {
    if (m instanceof Linear) {
      const v = tf.variable(m.kernel, true);
      m.kernel.dispose();
      m.kernel = v as unknown as tf.Tensor2D;
      vars.push(v);
    }
  }
  const rng = new Rng(3);
  const ids = tf.tensor2d(Array.from({ length: B * T }, () => 1000 + rng.int(29000)), [B, T], 'int32');
  const batch = { inputIds: ids, attentionMask: tf.ones([B, T], 'int32') as tf.Tensor2D, labels: tf.tensor1d(Array.from({ length: B }, (_, i) => i % 2), 'int32') };

  const step = (): { ms: number; probe: Float32Array } => {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(batch, EVAL_CONTEXT)) as tf.Scalar, vars);
    const probe = grads[vars[2].name].dataSync() as Float32Array; // forces the whole computation
    const ms = performance.now() - t0;
    tf.dispose([value, ...Object.values(grads)]);
    return { ms, probe: probe.slice() };
  };
  const forward = (): number => {
    const t0 = performance.now();
    const l = model.perExampleLoss(batch, EVAL_CONTEXT);
    l.dataSync();
    l.dispose();
    return performance.now() - t0;
  };

  const fwd = forward();
  const project = step();
  tf.registerGradient(batchMatMulGradConfig);
  const stock = step();
  installBackendFixes('wasm');
  let worst = 0;
  for (let i = 0; i < project.probe.length; i++) worst = Math.max(worst, Math.abs(project.probe[i] - stock.probe[i]) / (1e-6 + Math.abs(stock.probe[i])));
  console.log(`forward only:                 ${(fwd / 1000).toFixed(2)} s`);
  console.log(`forward+backward, project:    ${(project.ms / 1000).toFixed(2)} s`);
  console.log(`forward+backward, stock tfjs: ${(stock.ms / 1000).toFixed(2)} s`);
  console.log(`stock / project:              ${(stock.ms / project.ms).toFixed(1)}×`);
  console.log(`gradients agree: max rel diff ${worst.toExponential(2)} (${vars[2].shape} kernel)`);
  tf.dispose([ids, batch.attentionMask, batch.labels]);
  model.dispose();
});
