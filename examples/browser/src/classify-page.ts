/**
 * The classification mode's wiring: MiniLM + an SST-2 slice (served by the page's server or picked from disk),
 * accuracy before, then FISH and a random mask of the same size from the same start, accuracy after each.
 * @module
 */
import { accuracy, loadBertBytes, restoreHead, runClassify, snapshotHead, sst2Slice, type LoadedBert } from './classify';
import { adapterDirectoryFiles, zipFolder } from './adapter-zip';
import { ModeView, pageBlocked, type LossPoint } from './mode-view';
import { $, fetchBytes, gate, num, type PhaseProgress } from './ui';
import { state, zips, type ClassifyRecord } from './state';
import type { PipelineProgress } from './pipeline';

let loaded: LoadedBert | null = null;
let head: Map<string, Float32Array> | null = null;
let trainText: { text: string; file: string } | null = null;
let valText: { text: string; file: string } | null = null;
const view = new ModeView('c');

export function refreshClassify(): void {
  const blocked = pageBlocked();
  gate($<HTMLButtonElement>('c-load-url'), $('c-load-why'), blocked);
  gate($<HTMLButtonElement>('c-load-files'), $('c-files-why'), blocked ?? ($<HTMLInputElement>('c-files').files?.length ? null : 'pick the files first'));
  gate($<HTMLButtonElement>('c-run'), $('c-run-why'), blocked ?? (!loaded ? 'load MiniLM and the SST-2 files first (step 1)' : null));
}

function useModel(next: LoadedBert, train: { text: string; file: string }, val: { text: string; file: string }): void {
  loaded?.model.dispose();
  loaded = next;
  trainText = train;
  valText = val;
  const c = next.model.bert.config;
  $('c-model-info').textContent = `MiniLM: ${c.num_hidden_layers} layers, hidden ${c.hidden_size}, vocab ${c.vocab_size}; a fresh 2-way head; SST-2 from ${train.file} and ${val.file}`;
}

const loadFromUrls = () => view.reporting('Loading failed', loadFromUrlsBody);

async function loadFromUrlsBody(p: PhaseProgress): Promise<void> {
  const base = $<HTMLInputElement>('c-model-url').value.replace(/\/?$/, '/');
  const data = $<HTMLInputElement>('c-data-url').value.replace(/\/?$/, '/');
  p.start('Loading MiniLM and SST-2 files', 6);
  let done = 0;
  const get = async (u: string) => {
    try {
      return await fetchBytes(u);
    } finally {
      p.update(++done, 6);
    }
  };
  const [config, weights, tokenizer, tokenizerConfig, train, val] = await Promise.all([
    get(base + 'config.json'),
    get(base + 'model.safetensors'),
    get(base + 'tokenizer.json'),
    get(base + 'tokenizer_config.json').catch(() => undefined),
    get(data + 'train.jsonl'),
    get(data + 'validation.jsonl'),
  ]);
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  useModel(loadBertBytes({ config, weights, tokenizer, tokenizerConfig }, 0), { text: text(train), file: data + 'train.jsonl' }, { text: text(val), file: data + 'validation.jsonl' });
  head = await snapshotHead(loaded!.model);
  p.done('Loaded MiniLM (a fresh 2-way head) and SST-2.');
}

async function loadFromFiles(): Promise<void> {
  const files = new Map([...($<HTMLInputElement>('c-files').files ?? [])].map((f) => [f.name, f]));
  const need = ['config.json', 'model.safetensors', 'tokenizer.json', 'train.jsonl', 'validation.jsonl'];
  const missing = need.filter((n) => !files.has(n));
  if (missing.length) throw new Error(`pick these files too: ${missing.join(', ')}`);
  const bytes = async (n: string) => new Uint8Array(await files.get(n)!.arrayBuffer());
  const text = async (n: string) => ({ text: await files.get(n)!.text(), file: n });
  useModel(
    loadBertBytes({ config: await bytes('config.json'), weights: await bytes('model.safetensors'), tokenizer: await bytes('tokenizer.json'), tokenizerConfig: files.has('tokenizer_config.json') ? await bytes('tokenizer_config.json') : undefined }, 0),
    await text('train.jsonl'),
    await text('validation.jsonl'),
  );
  head = await snapshotHead(loaded!.model);
}

const runOnce = () => view.reporting('Stopped', runBody);

async function runBody(p: PhaseProgress): Promise<void> {
  const l = loaded!;
  const settings = {
    r: num('c-r'),
    loraAlpha: num('c-alpha'),
    topLayers: num('c-top'),
    ratio: num('c-ratio'),
    steps: num('c-steps'),
    batchSize: num('c-batch'),
    lr: num('c-lr'),
    seed: 0,
  };
  const nTrain = num('c-train');
  const nVal = num('c-val');
  const maxLength = num('c-maxlen');
  const id = state.classify.length + 1;
  const label = `#${id}`;
  const times: Record<string, number> = {};
  const train = sst2Slice(trainText!.text, trainText!.file, l.tokenizer, nTrain, maxLength).examples;
  const val = sst2Slice(valText!.text, valText!.file, l.tokenizer, nVal, maxLength).examples;

  restoreHead(l.model, head!);
  let t0 = performance.now();
  p.start('Validation accuracy before training (examples)', val.length);
  const accuracyBefore = await accuracy(l.model, val, settings.batchSize, (done) => p.update(done, val.length));
  times.evalBefore = Math.round(performance.now() - t0);
  $('c-acc-before').textContent = `${(100 * accuracyBefore).toFixed(1)}%`;

  const accuracyAfter = { fish: NaN, random: NaN };
  const losses = { fish: [] as number[], random: [] as number[] };
  const points: LossPoint[] = state.classify.flatMap((r) => (['fish', 'random'] as const).flatMap((sel) => r.losses[sel].map((loss, i) => ({ run: `${r.label} ${sel}`, step: i + 1, loss }))));
  let trainMs = 0;
  let zipName = '';
  for (const selection of ['fish', 'random'] as const) {
    restoreHead(l.model, head!);
    const name = selection === 'fish' ? 'FISH mask' : 'random mask';
    t0 = performance.now();
    let trainAt = 0;
    const onProgress = async (q: PipelineProgress) => {
      if (q.phase === 'train' && q.done === 0) trainAt = performance.now();
      view.showPhase(q, name);
      if (q.phase === 'mask' && q.mask && selection === 'fish') await view.showMask(q.mask, `Where the FISH mask falls: ${q.mask.k} of ${q.mask.total} LoRA entries`);
      if (q.phase === 'train' && q.done > 0) {
        points.push({ run: `${label} ${selection}`, step: q.done, loss: q.loss! });
        await view.showLoss(points, 'Training loss: FISH vs random mask', settings.steps + 1);
      }
    };
    const run = await runClassify(l, train, { ...settings, selection }, onProgress);
    try {
      trainMs += performance.now() - trainAt;
      times[`${selection}FisherMaskTrain`] = Math.round(performance.now() - t0);
      losses[selection] = run.losses;
      points.push({ run: `${label} ${selection}`, step: run.losses.length, loss: run.losses.at(-1)! });
      t0 = performance.now();
      p.start(`${name}: validation accuracy (examples)`, val.length);
      accuracyAfter[selection] = await accuracy(l.model, val, settings.batchSize, (done) => p.update(done, val.length));
      times[`${selection}Eval`] = Math.round(performance.now() - t0);
      $(`c-acc-${selection}`).textContent = `${(100 * accuracyAfter[selection]).toFixed(1)}%`;
      if (selection === 'fish') {
        zipName = `fish-lora-minilm-sst2-run${id}`;
        zips.set(zipName, zipFolder(zipName, await adapterDirectoryFiles(run.adapter, run.mask, run.fisherBytes)));
      }
    } finally {
      run.adapter.dispose();
    }
  }
  await view.showLoss(points, 'Training loss: FISH vs random mask', settings.steps + 1);
  const stepsPerSecond = (2 * settings.steps) / (trainMs / 1000);
  const record: ClassifyRecord = { id, label, settings: { ...settings, nTrain, nVal, maxLength }, accuracyBefore, accuracyAfter, losses, times, stepsPerSecond, zipName };
  state.classify.push(record);
  addRow(record);
  p.done(`Run ${label} done: accuracy ${(100 * accuracyBefore).toFixed(1)}% before → FISH ${(100 * accuracyAfter.fish).toFixed(1)}%, random ${(100 * accuracyAfter.random).toFixed(1)}%; ${stepsPerSecond.toFixed(2)} steps/s.`);
}

function addRow(r: ClassifyRecord): void {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const s = r.settings;
  view.addRun(
    [r.label, `${s.nTrain} train / ${s.nVal} val, ${s.steps} steps × ${s.batchSize}, ratio ${s.ratio}, top ${s.topLayers} layer(s)`, pct(r.accuracyBefore), pct(r.accuracyAfter.fish), pct(r.accuracyAfter.random), r.stepsPerSecond.toFixed(2)],
    { label: 'Download FISH .zip', zipName: r.zipName },
  );
}

export function wireClassify(action: (name: string, fn: () => Promise<void>) => () => Promise<void>): void {
  $('c-load-url').addEventListener('click', action('loading MiniLM and SST-2', loadFromUrls));
  $('c-load-files').addEventListener('click', action('loading MiniLM and SST-2', loadFromFiles));
  $('c-files').addEventListener('change', refreshClassify);
  $('c-run').addEventListener('click', action('FISH vs random on SST-2', runOnce));
}
