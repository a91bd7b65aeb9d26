/**
 * PiSSA's truncated SVD: Lanczos (the default above 128) vs block subspace iteration (the previous default) on
 * all-MiniLM-L6-v2's query/key/value weights (real spectra) and on a random 768×768 matrix (flat spectrum, BERT-base
 * size), rank 16; CPU time of each, their ratio, and the largest singular-value difference between the two.
 *   node scripts/bench/run-ts.mjs scripts/bench/pissa-svd.ts [model dir, default .cache/models/all-MiniLM-L6-v2]
 */
import { Rng } from '@fish-tuning/core';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { lanczosSvd, subspaceSvd } from '@fish-tuning/lora';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.cache/models/all-MiniLM-L6-v2';
const k = 16;

function cpuSeconds<T>(f: () => T): [T, number] {
  const t0 = process.cpuUsage();
  const r = f();
  const t = process.cpuUsage(t0);
  return [r, (t.user + t.system) / 1e6];
}

const cases: { name: string; data: Float64Array; rows: number; cols: number }[] = [];
const { tensors } = await readSafetensorsFile(join(dir, 'model.safetensors'));
for (const [name, t] of tensors) {
  if (!/layer\.[05]\.attention\.self\.(query|key|value)\.weight$/.test(name)) continue;
  cases.push({ name, data: Float64Array.from(t.data as ArrayLike<number>), rows: t.shape[0]!, cols: t.shape[1]! });
}
const rng = new Rng(0);
cases.push({ name: 'random 768×768 (Gaussian)', data: Float64Array.from({ length: 768 * 768 }, () => rng.normal() * 0.02), rows: 768, cols: 768 });

let totalL = 0;
let totalS = 0;
for (const c of cases) {
  const [l, tl] = cpuSeconds(() => lanczosSvd(c.data, c.rows, c.cols, k));
  const [s, ts] = cpuSeconds(() => subspaceSvd(c.data, c.rows, c.cols, k));
  totalL += tl;
  totalS += ts;
  const diff = l && s ? Math.max(...Array.from(l.s, (v, i) => Math.abs(v - s.s[i]!) / s.s[0]!)) : NaN;
  console.log(`${c.name.padEnd(48)} lanczos ${l ? 'ok' : 'fallback'} ${tl.toFixed(3)} s   subspace ${s ? 'ok' : 'fallback'} ${ts.toFixed(3)} s   subspace/lanczos ${(ts / tl).toFixed(1)}×   max |Δs|/s₁ ${diff.toExponential(1)}`);
}
console.log(`total: lanczos ${totalL.toFixed(2)} s, subspace ${totalS.toFixed(2)} s, ratio ${(totalS / totalL).toFixed(1)}×`);
