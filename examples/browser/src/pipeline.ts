/**
 * The example's whole pipeline, free of DOM code so that the page (main.ts) and the headless test run
 * the same steps: load stories260K from bytes, greedy generation, FISH-LoRA (LoRA on q_proj/v_proj,
 * empirical Fisher on a few sentences, global top-k mask, masked AdamW), and the PEFT adapter files.
 * Backend-free: the caller imports `@fish-tuning/backend-webgpu` (or another backend) first.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ADAPTER_CONFIG_NAME,
  ADAPTER_WEIGHTS_NAME,
  FishTuningError,
  MASK_SIDECAR_NAME,
  Rng,
  toWritable,
  disposeBatch,
  writeSafetensorsBytes,
  type Example,
  type ModelBatch,
} from '@fish-tuning/core';
import { Llama2cTokenizer, generate, llama2cModel, parseLlama2c, type LlamaForCausalLM } from '@fish-tuning/models';
import { injectLora, loraConfig, type LoraAdapter } from '@fish-tuning/lora';
import { computeFisher, exampleData } from '@fish-tuning/fisher';
import { maskToBytes, maskToTensors, scoresFromTensors, selectMask, type Mask } from '@fish-tuning/mask';
import { MaskedAdamW } from '@fish-tuning/trainer';

export interface LoadedStories {
  model: LlamaForCausalLM;
  tokenizer: Llama2cTokenizer;
}

/** Reads a URL (the served model directory) as bytes; errors name the URL and the HTTP status. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new FishTuningError(`HTTP ${res.status} ${res.statusText}`, { file: url });
  return new Uint8Array(await res.arrayBuffer());
}

/** A llama2.c model and its tokenizer from the bytes of their `.bin` files (fetched or picked). */
export function loadLlama2cBytes(modelBytes: Uint8Array, tokenizerBytes: Uint8Array, names = { model: 'model.bin', tokenizer: 'tokenizer.bin' }): LoadedStories {
  const checkpoint = parseLlama2c(modelBytes, names.model);
  const tokenizer = Llama2cTokenizer.fromBytes(tokenizerBytes, names.tokenizer);
  if (tokenizer.vocabSize !== checkpoint.config.vocabSize) {
    throw new FishTuningError(`tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${checkpoint.config.vocabSize}`, {
      file: names.tokenizer,
      option: 'vocab_size',
    });
  }
  return { model: llama2cModel(checkpoint), tokenizer };
}

/** Greedy continuation of BOS (+ prompt), as llama2.c's `run` at temperature 0 prints it. */
export async function greedyText(loaded: LoadedStories, maxNewTokens: number, prompt = ''): Promise<string> {
  const out = await generate(loaded.model, loaded.tokenizer, { maxNewTokens, temperature: 0, prompt });
  return out.text;
}

export interface FishLoraOptions {
  /** Training text, one example per sentence. */
  sentences: readonly string[];
  r?: number;
  loraAlpha?: number;
  /** Fraction of LoRA entries trained (FISH top-k by empirical Fisher). */
  ratio?: number;
  steps?: number;
  lr?: number;
  seed?: number;
  /** Called after every step with the loss before that step's update (mean over the sentences). */
  onStep?: (step: number, loss: number) => void | Promise<void>;
  onStatus?: (message: string) => void;
}

export interface FishLoraRun {
  adapter: LoraAdapter;
  mask: Mask;
  /** Loss of each step (before its update), then the loss after the last update. */
  losses: number[];
  /** The LoRA tensors before training (PEFT name → values), to check what moved. */
  initial: Map<string, Float32Array>;
}

/** Causal-LM examples: BOS + the sentence's ids, labels = the same ids (shifted inside the model). */
export function tokenizeSentences(tokenizer: Llama2cTokenizer, sentences: readonly string[]): Example[] {
  const rows = sentences.map((s) => s.trim()).filter((s) => s.length > 0);
  if (rows.length === 0) throw new FishTuningError('no training sentences (one per line)', { option: 'sentences' });
  return rows.map((s) => {
    const ids = [tokenizer.bosId, ...tokenizer.encode(s)];
    return { inputIds: ids, labels: ids };
  });
}

async function valuesOf(params: readonly { name: string; variable: tf.Variable }[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of params) out.set(p.name, Float32Array.from(await p.variable.data()));
  return out;
}

/**
 * FISH-LoRA on `model` (changed in place; `run.adapter.dispose()` undoes it): LoRA on q_proj and v_proj
 * of every layer, the empirical Fisher of every LoRA entry over the sentences, the top `ratio` of
 * entries selected, then `steps` full-batch masked AdamW steps on those entries only.
 */
export async function fishLora(loaded: LoadedStories, options: FishLoraOptions): Promise<FishLoraRun> {
  const { r = 4, loraAlpha = 8, ratio = 0.1, steps = 30, lr = 1e-2, seed = 0, onStep, onStatus } = options;
  const { model, tokenizer } = loaded;
  const examples = tokenizeSentences(tokenizer, options.sentences);
  const config = loraConfig({ r, lora_alpha: loraAlpha, target_modules: ['q_proj', 'v_proj'] }, model);
  const adapter = injectLora(model, config, new Rng(seed));
  const masks: tf.Tensor[] = [];
  let optimizer: MaskedAdamW | null = null;
  let batch: ModelBatch | null = null;
  try {
    const params = adapter.trainableParameters();
    const initial = await valuesOf(params);
    const data = exampleData(examples, { task: 'causal-lm', padTokenId: 0 });
    const indices = examples.map((_, i) => i);

    onStatus?.(`Fisher over ${examples.length} sentences, ${params.length} LoRA tensors`);
    const fisher = await computeFisher(model, params, data, { indices, estimator: 'empirical' });
    const scores = await scoresFromTensors(fisher.scores);
    fisher.dispose();
    const mask = selectMask(scores, { ratio, selection: 'fish', metadata: { source: 'browser example, empirical Fisher' } });
    onStatus?.(`mask: ${mask.k} of ${mask.total} LoRA entries (${(100 * ratio).toFixed(1)}%)`);

    const maskTensors = maskToTensors(mask);
    masks.push(...maskTensors.values());
    // The trainer's masked AdamW, without weight decay (as PyTorch's Adam): selected entries only.
    optimizer = new MaskedAdamW(params, maskTensors, { weightDecay: 0 });
    const opt = optimizer;
    batch = data.batch(indices);
    const b = batch;
    const vars = params.map((p) => p.variable);
    const ctx = { training: false };
    const losses: number[] = [];
    for (let step = 1; step <= steps; step++) {
      const { value, grads } = tf.variableGrads(() => tf.mean(model.perExampleLoss(b, ctx)) as tf.Scalar, vars);
      const loss = (await value.data())[0];
      value.dispose();
      opt.apply(new Map(params.map((p) => [p.name, grads[p.variable.name]])), lr);
      tf.dispose(Object.values(grads));
      losses.push(loss);
      await onStep?.(step, loss);
    }
    const final = tf.tidy(() => tf.mean(model.perExampleLoss(b, ctx)));
    losses.push((await final.data())[0]);
    final.dispose();
    return { adapter, mask, losses, initial };
  } catch (e) {
    adapter.dispose();
    throw e;
  } finally {
    if (batch) disposeBatch(batch);
    tf.dispose(masks);
    optimizer?.dispose();
  }
}

/** Entries of the adapter that differ (bitwise) from `run.initial`, and how many of them lie outside the mask. */
export async function changedEntries(run: FishLoraRun): Promise<{ changed: number; outsideMask: number }> {
  let changed = 0;
  let outsideMask = 0;
  for (const p of run.adapter.trainableParameters()) {
    const before = new Uint32Array(run.initial.get(p.name)!.buffer);
    const after = new Uint32Array(Float32Array.from(await p.variable.data()).buffer);
    const m = run.mask.tensors.get(p.name)!.data;
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== before[i]) {
        changed++;
        if (m[i] === 0) outsideMask++;
      }
    }
  }
  return { changed, outsideMask };
}

/** The PEFT adapter directory as files: adapter_config.json, adapter_model.safetensors and the FISH mask sidecar. */
export async function adapterFiles(run: FishLoraRun): Promise<Map<string, Uint8Array>> {
  const tensors = await toWritable(run.adapter.stateDict(), 'F32');
  return new Map([
    [ADAPTER_CONFIG_NAME, new TextEncoder().encode(JSON.stringify(run.adapter.config, null, 2) + '\n')],
    [ADAPTER_WEIGHTS_NAME, writeSafetensorsBytes(tensors, { format: 'pt' })],
    [MASK_SIDECAR_NAME, maskToBytes(run.mask)],
  ]);
}
