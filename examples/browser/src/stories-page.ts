/**
 * The story mode's wiring: load stories260K, then one button runs generation before → Fisher → mask →
 * masked training (loss chart live) → generation after, and keeps every run for comparison.
 * @module
 */
import { probeLogits, changedEntries, sentenceIds, loadStoriesBytes, runStories, streamGreedy, type LoadedStories } from './stories';
import { adapterDirectoryFiles, zipFolder } from './adapter-zip';
import { ModeView, pageBlocked, type LossPoint } from './mode-view';
import { $, fetchBytes, gate, num, type PhaseProgress } from './ui';
import { state, zips, type StoriesRecord } from './state';
import type { MaskSelection } from '@fish-tuning/mask';
import type { PeftAdapter } from '@fish-tuning/core';

let loaded: LoadedStories | null = null;
let modelName = '';
let current: PeftAdapter | null = null;
const beforeCache = new Map<string, string>();
const view = new ModeView('s');

export function refreshStories(): void {
  const blocked = pageBlocked();
  gate($<HTMLButtonElement>('s-load-url'), $('s-load-why'), blocked);
  gate($<HTMLButtonElement>('s-load-files'), $('s-files-why'), blocked ?? ($<HTMLInputElement>('s-files').files?.length ? null : 'pick the two .bin files first'));
  gate($<HTMLButtonElement>('s-run'), $('s-run-why'), blocked ?? (loaded ? null : 'load the model first (step 1)'));
}

function useModel(next: LoadedStories, name: string): void {
  current?.dispose();
  current = null;
  loaded?.model.dispose();
  loaded = next;
  modelName = name.replace(/\.bin$/, '');
  beforeCache.clear();
  const c = next.model.config;
  $('s-model-info').textContent = `${name}: ${c.numHiddenLayers} layers, dim ${c.hiddenSize}, ${c.numAttentionHeads} heads (${c.numKeyValueHeads} kv), vocab ${c.vocabSize}`;
}

const loadFromUrls = () => view.reporting('Loading failed', loadFromUrlsBody);

async function loadFromUrlsBody(p: PhaseProgress): Promise<void> {
  const modelUrl = $<HTMLInputElement>('s-model-url').value;
  const tokUrl = $<HTMLInputElement>('s-tok-url').value;
  p.start('Loading the model files', 2);
  let done = 0;
  const get = async (u: string) => {
    const bytes = await fetchBytes(u);
    p.update(++done, 2);
    return bytes;
  };
  const [m, t] = await Promise.all([get(modelUrl), get(tokUrl)]);
  p.done(`Loaded ${modelUrl} and ${tokUrl}.`);
  useModel(loadStoriesBytes(m, t, { model: modelUrl, tokenizer: tokUrl }), modelUrl.split('/').pop()!);
}

async function loadFromFiles(): Promise<void> {
  const files = [...($<HTMLInputElement>('s-files').files ?? [])];
  const tok = files.find((f) => /^tok/i.test(f.name));
  const model = files.find((f) => f !== tok);
  if (!tok || !model) throw new Error('pick two files: the checkpoint .bin and the tokenizer (named tok*.bin)');
  const bytes = async (f: File) => new Uint8Array(await f.arrayBuffer());
  useModel(loadStoriesBytes(await bytes(model), await bytes(tok), { model: model.name, tokenizer: tok.name }), model.name);
}

/** The x-axis extent: the longest run so far or the one being set up (steps + the final point). */
const maxSteps = () => Math.max(num('s-steps') + 1, ...state.stories.map((r) => r.losses.length));

function lossPoints(): LossPoint[] {
  return state.stories.flatMap((r) => r.losses.map((loss, i) => ({ run: r.label, step: i + 1, loss })));
}

const runOnce = () => view.reporting('Stopped', runBody);

async function runBody(p: PhaseProgress): Promise<void> {
  const l = loaded!;
  const settings = {
    sentences: $<HTMLTextAreaElement>('s-sentences').value.split('\n'),
    r: num('s-r'),
    loraAlpha: num('s-alpha'),
    ratio: num('s-ratio'),
    steps: num('s-steps'),
    lr: num('s-lr'),
    selection: $<HTMLSelectElement>('s-select').value as MaskSelection,
    seed: 0,
    baseModel: modelName,
  };
  const tokens = num('s-tokens');
  const prompt = $<HTMLInputElement>('s-prompt').value;
  const id = state.stories.length + 1;
  const label = `#${id} ${settings.selection} ${settings.ratio}`;
  const times: Record<string, number> = {};
  const lap = (name: string, t0: number) => (times[name] = Math.round(performance.now() - t0));

  // A previous run's adapter comes off first: every run starts from the base model.
  current?.dispose();
  current = null;
  $('s-before').textContent = '';
  $('s-after').textContent = '';
  $('s-before-label').textContent = 'Before (base model)';
  $('s-after-label').textContent = `After run ${label}`;

  let t0 = performance.now();
  const key = `${prompt}|${tokens}`;
  let before = beforeCache.get(key);
  if (before === undefined) {
    p.start('Generating with the base model (tokens)', tokens);
    before = await streamGreedy(l, tokens, prompt, (text, n) => {
      $('s-before').textContent = prompt + text;
      p.update(n, tokens);
    });
    beforeCache.set(key, before);
  }
  $('s-before').textContent = prompt + before;
  lap('generateBefore', t0);
  // The base model's logits on the first sentence: with the trained ones, they let a reloaded download be
  // compared on another backend against this backend's own rounding (see the test).
  const probeIds = sentenceIds(l.tokenizer, settings.sentences.find((x) => x.trim()) ?? '');
  const probeBase = await probeLogits(l.model, probeIds);

  t0 = performance.now();
  const trainStart = { at: 0 };
  const live: number[] = [];
  const run = await runStories(l, settings, async (q) => {
    if (q.phase === 'train' && q.done === 0) {
      lap('fisherAndMask', t0);
      trainStart.at = performance.now();
    }
    view.showPhase(q);
    if (q.phase === 'mask' && q.mask) await view.showMask(q.mask, `Where the mask falls (run ${label}): ${q.mask.k} of ${q.mask.total} LoRA entries`);
    if (q.phase === 'train' && q.done > 0) {
      live.push(q.loss!);
      await view.showLoss([...lossPoints(), ...live.map((loss, i) => ({ run: label, step: i + 1, loss }))], 'Training loss (every run kept)', maxSteps());
    }
  });
  current = run.adapter;
  times.train = Math.round(performance.now() - trainStart.at);
  const stepsPerSecond = settings.steps / (times.train / 1000);

  const { changed, outsideMask } = await changedEntries(run);

  t0 = performance.now();
  p.start('Generating with the adapter (tokens)', tokens);
  const after = await streamGreedy(l, tokens, prompt, (text, n) => {
    $('s-after').textContent = prompt + text;
    p.update(n, tokens);
  });
  lap('generateAfter', t0);

  t0 = performance.now();
  const logits = await probeLogits(l.model, probeIds);
  const zipName = `fish-lora-${modelName}-run${id}`;
  const files = await adapterDirectoryFiles(run.adapter, run.mask, run.fisherBytes);
  zips.set(zipName, zipFolder(zipName, files));
  lap('files', t0);

  const record: StoriesRecord = {
    id,
    label,
    settings: { ...settings, sentences: settings.sentences.filter((s) => s.trim()).length, tokens, prompt, init: (run.adapter.config as { init_lora_weights?: unknown }).init_lora_weights },
    before: prompt + before,
    after: prompt + after,
    losses: run.losses,
    k: run.mask?.k ?? 0,
    total: run.mask?.total ?? 0,
    changed,
    outsideMask,
    probeIds,
    probeLogits: Array.from(logits),
    probeBaseLogits: Array.from(probeBase),
    times,
    stepsPerSecond,
    zipName,
  };
  state.stories.push(record);
  addRow(record);
  await view.showLoss(lossPoints(), 'Training loss (every run kept)', maxSteps());
  p.done(
    `Run ${label} done: loss ${run.losses[0].toFixed(4)} → ${run.losses.at(-1)!.toFixed(4)}; ${changed} of ${record.total} LoRA entries changed ` +
      `(mask k = ${record.k}; outside the mask: ${outsideMask}); ${stepsPerSecond.toFixed(2)} steps/s.`,
  );
}

function addRow(r: StoriesRecord): void {
  const cells = [
    r.label,
    `${r.settings.steps} steps, lr ${r.settings.lr}, r ${r.settings.r}`,
    `${r.losses[0].toFixed(3)} → ${r.losses.at(-1)!.toFixed(3)}`,
    `${r.changed} / k ${r.k} (outside: ${r.outsideMask})`,
    `${r.stepsPerSecond.toFixed(2)}`,
    r.before,
    r.after,
  ];
  view.addRun(cells, { label: 'Download .zip', zipName: r.zipName });
}

export function wireStories(action: (name: string, fn: () => Promise<void>) => () => Promise<void>): void {
  $('s-load-url').addEventListener('click', action('loading the story model', loadFromUrls));
  $('s-load-files').addEventListener('click', action('loading the story model', loadFromFiles));
  $('s-files').addEventListener('change', refreshStories);
  $('s-run').addEventListener('click', action('FISH-Tuning the story model', runOnce));
}
