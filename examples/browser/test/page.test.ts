/**
 * The page itself, driven like a user would in headless Debian Chromium: WebGPU (SwiftShader here) end to
 * end, then the WebAssembly fallback with WebGPU switched off. Screenshots (start, training, end) go to a
 * temporary directory (FISH_SCREENSHOTS to choose it), printed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, FISHER_SIDECAR_NAME, MASK_SIDECAR_NAME, adapterFilesFromBytes, adapterFromFiles, readSafetensorsBytes } from '@fish-tuning/core';
import { generate, loadLlama2c } from '@fish-tuning/models';
import { registerLora } from '@fish-tuning/lora';
import { maskFromBytes } from '@fish-tuning/mask';
import { fisherFromBytes } from '@fish-tuning/fisher';
import { hasChromium, hasShared, launchChromium, sharedPath, CHROMIUM_PATH } from '@fish-tuning/test-utils';
import { buildPage, startServer, defaultMounts } from '../scripts/page.mjs';
import { configJson, unzipFolder } from '../src/adapter-zip';
import { loadStoriesBytes, probeLogits, runStories } from '../src/stories';
import type { PageState, StoriesRecord } from '../src/state';

const missing = !hasChromium()
  ? `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set FISH_CHROMIUM)`
  : !hasShared('models', 'stories260K')
    ? '../shared/models/stories260K is missing'
    : null;
const shots = process.env.FISH_SCREENSHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fish-browser-shots-'));
const SENTENCES = ['The cat sat on the mat and purred.', 'Tom liked to eat red apples with his dog.'];

let server: Server | null = null;
let url = '';

async function openPage(webgpu: boolean): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await launchChromium({ webgpu, viewport: { width: 1280, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => {
    const s = (window as unknown as { __fish?: PageState }).__fish;
    return Boolean(s?.backend || s?.backendError);
  }, undefined, { timeout: 60_000 });
  return { page, close: () => context.close() };
}

const pageState = (page: Page) => page.evaluate(() => (window as unknown as { __fish: PageState }).__fish);

/** Loads stories260K from the page's server, sets small sizes, clicks Run; resolves when the run is recorded. */
async function runStoriesOnPage(page: Page, o: { steps: number; tokens: number; shot?: string }): Promise<StoriesRecord> {
  await page.click('#s-load-url');
  await page.waitForFunction(() => document.querySelector('#s-model-info')!.textContent!.length > 0, undefined, { timeout: 60_000 });
  expect(await page.isDisabled('#s-run')).toBe(false);
  await page.fill('#s-sentences', SENTENCES.join('\n'));
  await page.fill('#s-steps', String(o.steps));
  await page.fill('#s-tokens', String(o.tokens));
  await page.click('#s-run');
  // While it runs, every button says why it is disabled.
  expect(await page.isDisabled('#s-run')).toBe(true);
  expect(await page.textContent('#s-run-why')).toMatch(/busy/);
  if (o.shot) {
    // (or the run is over already: the wasm fallback can be faster than the polling)
    await page.waitForFunction(
      (before) => /Masked training \(steps\): [1-9]/.test(document.querySelector('#s-phase')!.textContent!) || (window as unknown as { __fish: PageState }).__fish.stories.length > before,
      (await pageState(page)).stories.length,
      { timeout: 240_000 },
    );
    await page.screenshot({ path: path.join(shots, `${o.shot}-training.png`), fullPage: true });
  }
  await page.waitForFunction(() => {
    const s = (window as unknown as { __fish: PageState }).__fish;
    return s.stories.length > 0 || s.errors.length > 0;
  }, undefined, { timeout: 300_000 });
  const state = await pageState(page);
  expect(state.errors).toEqual([]);
  expect(await page.isDisabled('#s-run')).toBe(false);
  expect(await page.textContent('#s-run-why')).toBe('');
  // The charts (drawn by @fish-tuning/charts' renderInto): one SVG each, a loss line per run so far, and the
  // mask's share per layer stacked by the LoRA tensors of q_proj and v_proj.
  expect(await page.locator('#s-loss svg').count()).toBe(1);
  expect(await page.locator('#s-loss svg g.mark-line > path').count()).toBe(state.stories.length);
  expect(await page.locator('#s-mask svg').count()).toBe(1);
  const maskText = await page.locator('#s-mask svg').textContent();
  for (const label of ['layer 0', 'q_proj · A', 'q_proj · B', 'v_proj · A', 'v_proj · B']) expect(maskText).toContain(label);
  return state.stories[0];
}

function checkRun(r: StoriesRecord, steps: number): void {
  expect(r.losses.length).toBe(steps + 1);
  for (const l of r.losses.slice(1)) expect(l).toBeLessThan(r.losses[0]);
  expect(r.losses[steps]).toBeLessThan(r.losses[steps - 1]);
  expect(r.k).toBe(Math.round(0.1 * r.total));
  expect(r.changed).toBeGreaterThan(0);
  expect(r.changed).toBeLessThanOrEqual(r.k);
  expect(r.outsideMask).toBe(0);
}

/**
 * Loads the zip's adapter onto stories260K in Node (wasm) with the library's generic loader (the method comes
 * from adapter_config.json): max |Δ| of its logits vs the page's, and of the base model's.
 */
async function compareInNode(files: Map<string, Uint8Array>, record: StoriesRecord) {
  registerLora();
  const node = await loadLlama2c(sharedPath('models', 'stories260K'));
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
  };
  try {
    const baseDiff = maxDiff(await probeLogits(node.model, record.probeIds), record.probeBaseLogits);
    const adapter = adapterFromFiles(node.model, adapterFilesFromBytes(files, `${record.zipName}/`));
    const zipDiff = maxDiff(await probeLogits(node.model, record.probeIds), record.probeLogits);
    adapter.dispose();
    return { zipDiff, baseDiff };
  } finally {
    node.model.dispose();
  }
}

/** The zip's folder and files, checked for the PEFT layout and the FISH sidecars. */
function readZip(zip: Uint8Array, record: StoriesRecord) {
  const { folder, files } = unzipFolder(zip);
  expect(folder).toBe(record.zipName);
  expect([...files.keys()].sort()).toEqual([ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, FISHER_SIDECAR_NAME, MASK_SIDECAR_NAME].sort());
  const config = configJson(files.get(ADAPTER_CONFIG_NAME)!);
  expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, init_lora_weights: 'pissa', task_type: 'CAUSAL_LM' });
  const { tensors } = readSafetensorsBytes(files.get(ADAPTER_WEIGHTS_NAME)!, ADAPTER_WEIGHTS_NAME);
  expect(tensors.size).toBe(20);
  const mask = maskFromBytes(files.get(MASK_SIDECAR_NAME)!, MASK_SIDECAR_NAME);
  expect(mask.k).toBe(record.k);
  expect(fisherFromBytes(files.get(FISHER_SIDECAR_NAME)!, FISHER_SIDECAR_NAME).scores.size).toBe(20);
  return files;
}

async function downloadZip(page: Page, row: number): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#s-runs button.download').nth(row).click()]);
  return new Uint8Array(fs.readFileSync((await download.path())!));
}

describe.skipIf(missing)('browser page in headless Chromium', () => {
  beforeAll(async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-page-'));
    await buildPage({ outdir: dist });
    ({ server, url } = await startServer({ dist, mounts: { ...defaultMounts, '/model/': sharedPath('models', 'stories260K') }, port: 0 }));
  });
  afterAll(() => {
    server?.close();
    if (!missing) console.log(`browser page screenshots: ${shots}`);
  });

  it('runs FISH-LoRA on WebGPU: loss falls, only masked entries move, the zip loads in Node with the same logits and wasm gives the same losses', async () => {
    const steps = 4;
    const { page, close } = await openPage(true);
    let record: StoriesRecord;
    let zip: Uint8Array;
    try {
      const s = await pageState(page);
      expect(s.backend?.name).toBe('webgpu');
      expect(await page.textContent('#backend')).toMatch(/WebGPU/);
      if (s.backend?.software) expect(await page.textContent('#backend')).toMatch(/software adapter/);
      await page.screenshot({ path: path.join(shots, 'webgpu-start.png'), fullPage: true });
      record = await runStoriesOnPage(page, { steps, tokens: 4, shot: 'webgpu' });
      await page.screenshot({ path: path.join(shots, 'webgpu-end.png'), fullPage: true });
      zip = await downloadZip(page, 0);
    } finally {
      await close();
    }
    checkRun(record, steps);
    expect(record.settings.init).toBe('pissa');
    // The streamed greedy text is what the library's generate() gives in Node (an independent decoding loop).
    const reference = await loadLlama2c(sharedPath('models', 'stories260K'));
    try {
      const { text } = await generate(reference.model, reference.tokenizer!, { maxNewTokens: 4, temperature: 0 });
      expect(record.before).toBe(text);
      expect(record.before.length).toBeGreaterThan(4);
    } finally {
      reference.model.dispose();
    }

    // The one download: a PEFT directory with the FISH sidecars, loadable in Node.
    const files = readZip(zip, record);
    // On another backend the reloaded adapter must agree as well as the base model itself does: SwiftShader's
    // WebGPU and wasm already differ by ~5e-3 on stories260K's base logits (|logit| up to ~18). The strict
    // ≤ 1e-4 check is the wasm fallback test below (the same backend on both sides).
    const { zipDiff, baseDiff } = await compareInNode(files, record);
    console.log(`zip reloaded in Node (wasm): max |Δlogit| ${zipDiff.toExponential(2)} (base model webgpu vs wasm: ${baseDiff.toExponential(2)}); page times ${JSON.stringify(record.times)} ms, ${record.stepsPerSecond.toFixed(3)} steps/s`);
    expect(zipDiff).toBeLessThanOrEqual(Math.max(1e-4, 2 * baseDiff));

    const dir = sharedPath('models', 'stories260K');
    // The same steps on wasm in Node (the page's own pipeline code): the same loss trajectory.
    const bytes = (f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
    const loaded = loadStoriesBytes(bytes('stories260K.bin'), bytes('tok512.bin'));
    try {
      const run = await runStories(loaded, { sentences: SENTENCES, r: 4, loraAlpha: 8, ratio: 0.1, steps, lr: 0.01, selection: 'fish', seed: 0 });
      run.adapter.dispose();
      console.log(`losses webgpu ${record.losses.map((l) => l.toFixed(5)).join(' ')}\nlosses wasm   ${run.losses.map((l) => l.toFixed(5)).join(' ')}`);
      expect(run.losses.length).toBe(record.losses.length);
      run.losses.forEach((l, i) => expect(Math.abs(l - record.losses[i])).toBeLessThanOrEqual(1e-3));
    } finally {
      loaded.model.dispose();
    }
  });

  it('falls back to WebAssembly when WebGPU is off, says so, and completes two runs kept side by side', async () => {
    const { page, close } = await openPage(false);
    try {
      const s = await pageState(page);
      expect(s.backend?.name).toBe('wasm');
      expect(await page.textContent('#backend')).toMatch(/running on WebAssembly/);
      await page.screenshot({ path: path.join(shots, 'wasm-start.png'), fullPage: true });
      const first = await runStoriesOnPage(page, { steps: 8, tokens: 24, shot: 'wasm' });
      checkRun(first, 8);
      // The same backend on both sides: the download reproduces the page's logits to 1e-4.
      const { zipDiff, baseDiff } = await compareInNode(readZip(await downloadZip(page, 0), first), first);
      console.log(`wasm fallback: zip reloaded in Node, max |Δlogit| ${zipDiff.toExponential(2)} (base ${baseDiff.toExponential(2)}); ${first.stepsPerSecond.toFixed(2)} steps/s`);
      expect(zipDiff).toBeLessThanOrEqual(1e-4);
      // A second run (random mask) keeps the first's results.
      await page.selectOption('#s-select', 'random');
      await page.click('#s-run');
      await page.waitForFunction(() => (window as unknown as { __fish: PageState }).__fish.stories.length === 2, undefined, { timeout: 120_000 });
      const both = (await pageState(page)).stories;
      expect(both[0]).toEqual(first);
      checkRun(both[1], 8);
      expect(await page.locator('#s-runs tr').count()).toBe(2);
      expect(await page.locator('#s-loss svg').count()).toBe(1);
      expect(await page.locator('#s-loss svg g.mark-line > path').count()).toBe(2);
      await page.screenshot({ path: path.join(shots, 'wasm-end.png'), fullPage: true });
    } finally {
      await close();
    }
  });
});
