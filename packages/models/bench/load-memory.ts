/**
 * Peak resident memory while loading a checkpoint through loadPretrained (wasm backend, the CLI default):
 * process.resourceUsage().maxRSS before and after, against the model's own f32 size. Tensors are read one
 * at a time, so the peak should stay close to the model size (docs/models.md records the result).
 *
 *   /root/.cache/fish-tuning/pyref/bin/python scripts/make-tiny-models.py --big /tmp/big-llama
 *   pnpm exec vitest run --config packages/models/bench/vitest.bench.config.ts load-memory   # BENCH_MODEL=dir to change
 */
import * as fs from 'node:fs';
import { test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadPretrained, modelInventory } from '../src/index.js';

const MB = 1024 * 1024;

test('peak RSS while loading a checkpoint', async () => {
  const dir = process.env.BENCH_MODEL ?? '/tmp/big-llama';
  if (!fs.existsSync(dir)) {
    console.log(`skipped: ${dir} does not exist (write it with scripts/make-tiny-models.py --big ${dir})`);
    return;
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
  const fileBytes = files.reduce((n, f) => n + fs.statSync(`${dir}/${f}`).size, 0);
  const peakBefore = (process.resourceUsage().maxRSS * 1024) / MB;
  const rssBefore = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const { model } = await loadPretrained(dir, { tokenizer: false });
  const seconds = (performance.now() - t0) / 1000;
  const peakAfter = (process.resourceUsage().maxRSS * 1024) / MB;
  const inv = modelInventory(model);
  const tfBytes = tf.memory().numBytes / MB;
  const modelMb = (inv.baseParameters * 4) / MB;
  console.log(
    [
      `checkpoint ${dir}: ${files.length} file(s), ${(fileBytes / MB).toFixed(1)} MiB, ${inv.baseParameters.toLocaleString('en-US')} parameters (${modelMb.toFixed(1)} MiB in f32)`,
      `tfjs tensors after load: ${tfBytes.toFixed(1)} MiB (a tied head keeps its own [in, out] copy)`,
      `RSS before load ${rssBefore.toFixed(1)} MiB (peak so far ${peakBefore.toFixed(1)}), peak after ${peakAfter.toFixed(1)} MiB`,
      `peak increase ${(peakAfter - peakBefore).toFixed(1)} MiB = ${((peakAfter - peakBefore) / tfBytes).toFixed(2)} × the loaded tensors, ${((peakAfter - peakBefore) / modelMb).toFixed(2)} × the f32 model; ${seconds.toFixed(1)} s`,
    ].join('\n'),
  );
  model.dispose();
});
