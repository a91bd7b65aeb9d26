/**
 * The page: DOM wiring only; every computation is in pipeline.ts (which the headless test runs too).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@fish-tuning/backend-webgpu';
import { adapterFiles, changedEntries, fetchBytes, fishLora, greedyText, loadLlama2cBytes, type FishLoraRun, type LoadedStories } from './pipeline';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number($<HTMLInputElement>(id).value);

let loaded: LoadedStories | null = null;
let run: FishLoraRun | null = null;
let backendReady = false;

function log(message: string): void {
  $('log').textContent += `${new Date().toLocaleTimeString()}  ${message}\n`;
}

/** Runs a button's action with the buttons disabled, reporting errors on the page. */
function action(id: string, fn: () => Promise<void>): void {
  $<HTMLButtonElement>(id).addEventListener('click', async () => {
    const buttons = [...document.querySelectorAll('button')];
    const was = buttons.map((b) => b.disabled);
    buttons.forEach((b) => (b.disabled = true));
    try {
      if (!backendReady) throw new Error('WebGPU is not available in this browser (see the README)');
      await fn();
    } catch (e) {
      log(`error: ${(e as Error).message}`);
      console.error(e);
    } finally {
      buttons.forEach((b, i) => (b.disabled = was[i]));
      refresh();
    }
  });
}

function refresh(): void {
  $<HTMLButtonElement>('generate').disabled = !loaded;
  $<HTMLButtonElement>('train').disabled = !loaded || run !== null;
  $<HTMLButtonElement>('download').disabled = !run;
}

function useModel(next: LoadedStories, source: string): void {
  run?.adapter.dispose();
  run = null;
  loaded?.model.dispose();
  loaded = next;
  const c = next.model.config;
  $('model-info').textContent = `${source}: dim ${c.hiddenSize}, ${c.numHiddenLayers} layers, ${c.numAttentionHeads} heads (${c.numKeyValueHeads} kv), vocab ${c.vocabSize}`;
  log(`loaded ${source}`);
}

function drawCurve(losses: readonly number[], steps: number): void {
  const canvas = $<HTMLCanvasElement>('curve');
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (losses.length === 0) return;
  const max = Math.max(...losses);
  const min = Math.min(...losses);
  const x = (i: number) => 10 + (i / Math.max(steps, 1)) * (canvas.width - 20);
  const y = (v: number) => 10 + (max === min ? 0.5 : (max - v) / (max - min)) * (canvas.height - 20);
  g.strokeStyle = '#0a6';
  g.beginPath();
  losses.forEach((v, i) => (i ? g.lineTo(x(i), y(v)) : g.moveTo(x(i), y(v))));
  g.stroke();
}

function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

action('load-url', async () => {
  const modelUrl = $<HTMLInputElement>('model-url').value;
  const tokUrl = $<HTMLInputElement>('tok-url').value;
  const [m, t] = await Promise.all([fetchBytes(modelUrl), fetchBytes(tokUrl)]);
  useModel(loadLlama2cBytes(m, t, { model: modelUrl, tokenizer: tokUrl }), modelUrl);
});

action('load-files', async () => {
  const files = [...($<HTMLInputElement>('files').files ?? [])];
  const tok = files.find((f) => /^tok/i.test(f.name));
  const model = files.find((f) => f !== tok);
  if (!tok || !model) throw new Error('pick two files: the checkpoint .bin and the tokenizer (named tok*.bin)');
  const bytes = async (f: File) => new Uint8Array(await f.arrayBuffer());
  useModel(loadLlama2cBytes(await bytes(model), await bytes(tok), { model: model.name, tokenizer: tok.name }), model.name);
});

action('generate', async () => {
  const tokens = num('tokens');
  const started = performance.now();
  const text = await greedyText(loaded!, tokens, $<HTMLInputElement>('prompt').value);
  const prompt = $<HTMLInputElement>('prompt').value;
  $('generated').textContent = `${run ? '[with the FISH-LoRA adapter] ' : ''}${prompt}${text}`;
  log(`generated ${tokens} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

action('train', async () => {
  const steps = num('steps');
  const losses: number[] = [];
  const started = performance.now();
  run = await fishLora(loaded!, {
    sentences: $<HTMLTextAreaElement>('sentences').value.split('\n'),
    r: num('r'),
    loraAlpha: num('alpha'),
    ratio: num('ratio'),
    steps,
    lr: num('lr'),
    onStatus: log,
    onStep: async (step, loss) => {
      losses.push(loss);
      $('losses').textContent = losses.map((l, i) => `step ${i + 1}: ${l.toFixed(4)}`).join('\n');
      drawCurve(losses, steps);
      await new Promise((r) => setTimeout(r, 0)); // let the page repaint
    },
  });
  drawCurve(run.losses, steps);
  const { changed, outsideMask } = await changedEntries(run);
  log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s; final loss ${run.losses.at(-1)!.toFixed(4)}; ${changed} of ${run.mask.total} LoRA entries changed (k = ${run.mask.k}, outside the mask: ${outsideMask})`);
});

action('download', async () => {
  for (const [name, bytes] of await adapterFiles(run!)) download(name, bytes);
  log('adapter files downloaded');
});

ready().then(
  () => {
    backendReady = true;
    $('backend').textContent = tf.getBackend();
    refresh();
  },
  (e) => {
    $('backend').textContent = `unavailable (${(e as Error).message}); start Chrome with WebGPU enabled`;
  },
);
