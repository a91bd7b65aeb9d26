/**
 * wasm: attention's batched matMuls through fish-tuning's BatchMatMul kernel vs tfjs' stock kernel, and the
 * 2-D projection for scale (GFLOP/s per form, CPU time from process.cpuUsage).
 *   node scripts/bench/run-ts.mjs scripts/bench/wasm-batched-matmul.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@fish-tuning/backend-wasm';

await ready();
const fixed = tf.getKernel(tf.BatchMatMul, 'wasm') as tf.KernelConfig & { stock?: tf.KernelConfig };
if (!fixed.stock) throw new Error('the wasm BatchMatMul kernel is not fish-tuning\'s');
const use = (k: tf.KernelConfig) => {
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(k);
};

function time(label: string, flops: number, f: () => tf.Tensor, reps = 5): number {
  tf.dispose(f());
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = f();
    y.dataSync();
    y.dispose();
  }
  const wall = (performance.now() - t0) / reps;
  const cpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000 / reps;
  console.log(`${label.padEnd(52)} wall ${wall.toFixed(1).padStart(7)} ms  cpu ${cpu.toFixed(1).padStart(7)} ms  ${(flops / cpu / 1e6).toFixed(2).padStart(6)} GFLOP/s(cpu)`);
  return cpu;
}

const [b, h, s, d] = [16, 12, 128, 32];
const q = tf.randomNormal([b, h, s, d]);
const kT = tf.randomNormal([b, h, d, s]);
const p = tf.randomNormal([b, h, s, s]);
const x = tf.randomNormal([b * s, h * d]);
const w = tf.randomNormal([h * d, h * d]);
const attnFlops = 2 * b * h * s * s * d;
const cpuMs: number[] = [];
for (const [label, stockToo] of [['fish-tuning kernel', false], ['stock tfjs kernel', true]] as const) {
  use(stockToo ? fixed.stock : fixed);
  const t1 = time(`${label}: [16,12,128,32]×[16,12,32,128]`, attnFlops, () => tf.matMul(q, kT));
  const t2 = time(`${label}: [16,12,128,128]×[16,12,128,32]`, attnFlops, () => tf.matMul(p, q));
  cpuMs.push(t1 + t2);
}
use(fixed);
console.log(`attention matMuls: stock / fish-tuning CPU time = ${(cpuMs[1] / cpuMs[0]).toFixed(1)}×`);
time('2-D projection [2048,384]×[384,384]', 2 * b * s * h * d * h * d, () => tf.matMul(x, w));
