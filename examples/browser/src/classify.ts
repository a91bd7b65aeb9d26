/**
 * The classification mode, DOM-free: MiniLM (a Hugging Face BERT directory's config.json, model.safetensors
 * and tokenizer.json, as bytes) with a fresh 2-way head, an SST-2 slice (GLUE JSONL), LoRA with PiSSA init
 * on the top layer's query/value, and validation accuracy before and after FISH vs a random mask of the same
 * size. The two runs start from the same weights: the head is reset to its initial values before each.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, collate, disposeBatch, readSafetensorsBytes, toTensor, type Example, type ModelBatch } from '@fish-tuning/core';
import {
  BertForSequenceClassification,
  JsonBertTokenizer,
  bertConfig,
  bertTensorShapes,
  buildBertModel,
  createClassifier,
  type BertTokenizer,
} from '@fish-tuning/models';
import { encodeForEncoder, glueTask, parseGlueJsonl, type GlueExample } from '@fish-tuning/datasets-glue';
import { fishTuneRun, type FishTuneRunResult, type PipelineProgress } from './pipeline';
import { prepareOffGpu } from './init-off-gpu';

export interface LoadedBert {
  model: BertForSequenceClassification;
  tokenizer: BertTokenizer;
}

export interface BertFiles {
  config: Uint8Array;
  weights: Uint8Array;
  tokenizer: Uint8Array;
  tokenizerConfig?: Uint8Array;
}

const json = (bytes: Uint8Array, file: string) => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new FishTuningError(`not valid JSON (${(e as Error).message})`, { file });
  }
};

/** MiniLM-style BERT from the bytes of its files, with a fresh 2-way head from `seed` (pooler too, if absent). */
export function loadBertBytes(files: BertFiles, seed = 0): LoadedBert {
  const config = bertConfig(json(files.config, 'config.json'), 'config.json');
  const { tensors } = readSafetensorsBytes(files.weights, 'model.safetensors');
  const prefix = tensors.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const rng = new Rng(seed);
  const bert = buildBertModel(config, (name) => {
    const shape = bertTensorShapes(config).get(name)!;
    const t = tensors.get(prefix + name);
    if (!t && name.startsWith('pooler.')) {
      return name.endsWith('.bias') ? tf.zeros(shape) : tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.seed()), config.initializer_range);
    }
    if (!t) throw new FishTuningError('missing tensor', { file: 'model.safetensors', tensor: prefix + name });
    return toTensor(t, shape, { file: 'model.safetensors', tensor: prefix + name });
  });
  const model = new BertForSequenceClassification(bert, createClassifier(config, 2, rng), 'classification');
  const tokenizer = new JsonBertTokenizer(json(files.tokenizer, 'tokenizer.json'), files.tokenizerConfig ? json(files.tokenizerConfig, 'tokenizer_config.json') : {}, 'tokenizer.json');
  if (tokenizer.vocabSize !== config.vocab_size) {
    model.dispose();
    throw new FishTuningError(`the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocab_size}`, { file: 'tokenizer.json', option: 'vocab_size' });
  }
  return { model, tokenizer };
}

/** The first `n` SST-2 rows of a GLUE JSONL file, encoded for the encoder (CLS … SEP, padded to `maxLength`). */
export function sst2Slice(text: string, file: string, tokenizer: BertTokenizer, n: number, maxLength: number): { examples: Example[]; rows: GlueExample[] } {
  const spec = glueTask('sst2');
  const rows = parseGlueJsonl(spec, text, file).slice(0, n);
  if (rows.length < n) throw new FishTuningError(`has ${rows.length} rows, ${n} asked for`, { file });
  const examples = rows.map((row) => {
    // Padded to maxLength: one shape for every batch, so WebGPU compiles its shaders once.
    const f = encodeForEncoder(spec, row, tokenizer, { maxLength });
    const pad = new Array(maxLength - f.inputIds.length).fill(0);
    return { inputIds: [...f.inputIds, ...pad], attentionMask: [...f.attentionMask, ...pad], tokenTypeIds: [...f.tokenTypeIds, ...pad], labels: f.labels };
  });
  return { examples, rows };
}

/** Accuracy of argmax(logits) on `examples`, in batches of `batchSize`; `onBatch` gets rows done. */
export async function accuracy(model: BertForSequenceClassification, examples: readonly Example[], batchSize = 8, onBatch?: (done: number) => void | Promise<void>): Promise<number> {
  let correct = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, examples.length - i) }, (_, j) => i + j);
    const batch: ModelBatch = collate(indices.map((i) => examples[i]), 'classification');
    const predicted = tf.tidy(() => tf.argMax(model.logits(batch, { training: false }), -1));
    const values = await predicted.data();
    predicted.dispose();
    disposeBatch(batch);
    indices.forEach((row, j) => (correct += values[j] === examples[row].labels ? 1 : 0));
    await onBatch?.(i + indices.length);
  }
  return correct / examples.length;
}

export interface ClassifySettings {
  r: number;
  loraAlpha: number;
  /** LoRA on the top `topLayers` layers only (query, value). */
  topLayers: number;
  ratio: number;
  steps: number;
  batchSize: number;
  lr: number;
  selection: 'fish' | 'random';
  seed?: number;
}

export type ClassifyRun = FishTuneRunResult;

/** The head's initial values, to start every run from the same classifier. */
export async function snapshotHead(model: BertForSequenceClassification): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of model.headParameters()) out.set(p.name, Float32Array.from(await p.variable.data()));
  return out;
}

export function restoreHead(model: BertForSequenceClassification, head: Map<string, Float32Array>): void {
  for (const p of model.headParameters()) tf.tidy(() => p.variable.assign(tf.tensor(head.get(p.name)!, p.variable.shape)));
}

/** LoRA (PiSSA) on the top layers, then Fisher/random → mask → training of the masked LoRA entries and the head. */
export async function runClassify(
  loaded: LoadedBert,
  train: readonly Example[],
  s: ClassifySettings,
  onProgress?: (p: PipelineProgress) => void | Promise<void>,
): Promise<ClassifyRun> {
  const { model } = loaded;
  await prepareOffGpu(model, /\.(query|value)$/);
  return fishTuneRun({
    model,
    config: { r: s.r, lora_alpha: s.loraAlpha, target_modules: ['query', 'value'], layers: `top:${s.topLayers}`, init_lora_weights: 'pissa', base_model_name_or_path: 'sentence-transformers/all-MiniLM-L6-v2' },
    train,
    selection: s.selection,
    ratio: s.ratio,
    steps: s.steps,
    lr: s.lr,
    batchSize: s.batchSize,
    seed: s.seed,
    onProgress,
  });
}
