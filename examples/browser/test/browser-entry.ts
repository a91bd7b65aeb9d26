/**
 * Runs in headless Chromium: the page's pipeline (src/pipeline.ts) on WebGPU with small settings,
 * the model fetched from the test server's /model/ prefix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@fish-tuning/backend-webgpu';
import { adapterFiles, changedEntries, fetchBytes, fishLora, greedyText, loadLlama2cBytes } from '../src/pipeline';

(window as any).__fishResult = (async () => {
  // Small settings: SwiftShader's WebGPU is slow (see the README for timings).
  const tokens = 12;
  const steps = 8;
  const sentences = ['The cat sat on the mat and purred.', 'Tom liked to eat red apples with his dog.'];
  const times: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    times[name] = Math.round(t - t0);
    t0 = t;
  };
  await ready();
  const loaded = loadLlama2cBytes(await fetchBytes('/model/stories260K.bin'), await fetchBytes('/model/tok512.bin'), { model: 'stories260K.bin', tokenizer: 'tok512.bin' });
  lap('load');
  const before = await greedyText(loaded, tokens);
  lap('generate');
  const run = await fishLora(loaded, { sentences, steps, ratio: 0.1, lr: 1e-2, r: 4, loraAlpha: 8 });
  lap('fishLora');
  const after = await greedyText(loaded, 4);
  lap('generateAfter');
  const { changed, outsideMask } = await changedEntries(run);
  const files = await adapterFiles(run);
  lap('files');
  return {
    backend: tf.getBackend(),
    tokens,
    steps,
    before,
    after,
    losses: run.losses,
    k: run.mask.k,
    total: run.mask.total,
    changed,
    outsideMask,
    files: Object.fromEntries([...files].map(([name, bytes]) => [name, Array.from(bytes)])),
    times,
  };
})();
