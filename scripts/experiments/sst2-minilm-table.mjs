/**
 * Collects the runs of scripts/experiments/sst2-minilm.sh into a Markdown table: final-epoch and best validation
 * accuracy, per-epoch accuracies, trainable LoRA entries (the CLI's "mask: k of n" line or the adapter's
 * tensor sizes for vanilla), and wall seconds. Numbers come only from the run files.
 *   node scripts/experiments/sst2-minilm-table.mjs <outdir>
 * @module
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/sst2-minilm';
const order = ['fish', 'random', 'reverse', 'vanilla'];
const rows = [];
for (const name of readdirSync(out).sort()) {
  const m = /^(\w+)-s(\d+)$/.exec(name);
  if (!m || !existsSync(join(out, name, 'metrics.json'))) continue;
  const metrics = JSON.parse(readFileSync(join(out, name, 'metrics.json'), 'utf8'));
  const log = readFileSync(join(out, `${name}.log`), 'utf8');
  const time = existsSync(join(out, `${name}.time`)) ? readFileSync(join(out, `${name}.time`), 'utf8').trim() : '?';
  const maskLine = /mask: (\d+) of (\d+) PEFT entries/.exec(log);
  // Vanilla LoRA prints no mask line: count its adapter entries from the safetensors header.
  let trainable = maskLine ? `${maskLine[1]} of ${maskLine[2]}` : loraEntries(join(out, name, 'adapter_model.safetensors'));
  const accs = metrics.evals.map((e) => e.metrics.accuracy);
  rows.push({ variant: m[1], seed: Number(m[2]), final: accs.at(-1), best: metrics.best?.value, accs, trainable, time,
    loss: metrics.lastLoss, steps: metrics.steps });
}
rows.sort((a, b) => order.indexOf(a.variant) - order.indexOf(b.variant) || a.seed - b.seed);
const f = (x) => (x === undefined ? '?' : x.toFixed(4));
console.log('| variant | seed | trainable LoRA entries | val. acc. at each evaluation | final val. acc. | last-batch train loss | steps | wall s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.variant} | ${r.seed} | ${r.trainable} | ${r.accs.map(f).join(' / ')} | ${f(r.final)} | ${f(r.loss)} | ${r.steps} | ${r.time} |`);
}
console.log('\n| variant | runs | mean final acc. | per-seed final acc. |');
console.log('|---|---|---|---|');
for (const v of order) {
  const rs = rows.filter((r) => r.variant === v);
  if (!rs.length) continue;
  const mean = rs.reduce((s, r) => s + r.final, 0) / rs.length;
  console.log(`| ${v} | ${rs.length} | ${f(mean)} | ${rs.map((r) => f(r.final)).join(', ')} |`);
}

function loraEntries(file) {
  if (!existsSync(file)) return '?';
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  let total = 0;
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__' || !/lora_[AB]/.test(k)) continue;
    total += v.shape.reduce((a, b) => a * b, 1);
  }
  return `${total} (all, r=1)`;
}
