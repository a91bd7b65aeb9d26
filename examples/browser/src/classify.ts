/**
 * The classification mode, DOM-free: MiniLM (a Hugging Face BERT directory's config.json, model.safetensors
 * and tokenizer.json, as bytes) with a fresh 2-way head, an SST-2 slice (GLUE JSONL), LoRA with PiSSA init
 * on the top layer's query/value, and validation accuracy before and after FISH vs a random mask of the same
 * size. The two runs start from the same weights: the head is reset to its initial values before each.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng, readSafetensorsBytes, toTensor, type ModelBatch } from '@fish-tuning/core';
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
import { exampleData, disposeBatch, type TokenizedExample } from '@fish-tuning/fisher';
import { injectLora, loraConfig, type LoraAdapter } from '@fish-tuning/lora';
import { fishTuneRun, type FishTuneResult, type PipelineProgress } from './pipeline';
import { injectOffGpu } from './init-off-gpu';

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
export function sst2Slice(text: string, file: string, tokenizer: BertTokenizer, n: number, maxLength: number): { examples: TokenizedExample[]; rows: GlueExample[] } {
  const spec = glueTask('sst2');
  const rows = parseGlueJsonl(spec, text, file).slice(0, n);
  if (rows.length < n) throw new FishTuningError(`has ${rows.length} rows, ${n} asked for`, { file });
  const examples = rows.map((row) => {
    // Padded to maxLength: one shape for every batch, so WebGPU compiles its shaders once.
    const f = encodeForEncoder(spec, row, tokenizer, { maxLength });
    const pad = new Array(maxLength - f.inputIds.length).fill(0);
    return { inputIds: [...f.inputIds, ...pad], attentionMask: [...f.attentionMask, ...pad], tokenTypeIds: [...f.tokenTypeIds, ...pad], labels: f.label };
  });
  return { examples, rows };
}

/** Accuracy of argmax(logits) on `examples`, in batches of `batchSize`; `onBatch` gets rows done. */
export async function accuracy(model: BertForSequenceClassification, examples: readonly TokenizedExample[], batchSize = 8, onBatch?: (done: number) => void | Promise<void>): Promise<number> {
  const data = exampleData(examples, { task: 'classification' });
  let correct = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, examples.length - i) }, (_, j) => i + j);
    const batch: ModelBatch = data.batch(indices);
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

export interface ClassifyRun extends FishTuneResult {
  adapter: LoraAdapter;
}

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
  train: readonly TokenizedExample[],
  s: ClassifySettings,
  onProgress?: (p: PipelineProgress) => void | Promise<void>,
): Promise<ClassifyRun> {
  const { model } = loaded;
  const config = loraConfig({ r: s.r, lora_alpha: s.loraAlpha, target_modules: ['query', 'value'], layers: `top:${s.topLayers}`, init_lora_weights: 'pissa' }, model);
  const adapter = await injectOffGpu(model, /\.(query|value)$/, () => injectLora(model, config, new Rng(s.seed ?? 0)));
  try {
    const result = await fishTuneRun({
      model,
      adapter,
      train,
      selection: s.selection,
      ratio: s.ratio,
      steps: s.steps,
      lr: s.lr,
      batchSize: s.batchSize,
      trainHead: true,
      seed: s.seed,
      onProgress,
    });
    return { ...result, adapter };
  } catch (e) {
    adapter.dispose();
    throw e;
  }
}
