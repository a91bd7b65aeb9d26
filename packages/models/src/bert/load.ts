/**
 * Loads a Hugging Face BERT directory (Node): config.json + model.safetensors (keys with the `bert.`
 * prefix, as BertForSequenceClassification saves them, or without, as BertModel and
 * sentence-transformers do) and its tokenizer. A `classifier.*` of the right size is loaded, otherwise
 * the head is freshly initialised from `seed`. Errors name the file and the field or tensor at fault.
 * @module
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng } from '@fish-tuning/core';
import { readJsonFile } from '@fish-tuning/core/node';
import { CheckpointReader, type IgnoreRule } from '../checkpoint/reader.js';
import { bertConfig, type BertConfig } from './config.js';
import { bertTensorShapes, buildBertModel } from './build.js';
import { BertClassifier } from './classifier.js';
import { createClassifier, resolveHead, type BertHeadOptions } from './create.js';
import { BertForSequenceClassification } from './sequence-classification.js';
import { loadBertTokenizer, type LoadBertTokenizerOptions } from './tokenizer/load.js';
import type { BertTokenizer } from './tokenizer/bert-tokenizer.js';

export interface LoadHfBertOptions extends BertHeadOptions, LoadBertTokenizerOptions {
  /** Seed of a freshly initialised classifier (and of a pooler missing from the checkpoint); default 0. */
  seed?: number;
  /** Load the tokenizer too (default true); its vocabulary size must equal config.json's vocab_size. */
  tokenizer?: boolean;
}

export interface LoadedBert {
  model: BertForSequenceClassification;
  /** null when `tokenizer: false`. */
  tokenizer: BertTokenizer | null;
  config: BertConfig;
  /** Tensors that the checkpoint lacked and that were initialised from the seed (pooler, classifier). */
  initialised: string[];
}

/** The config.json field that determines dimension `axis` of a tensor (for errors that point at the config). */
function fieldFor(name: string, axis: number): keyof BertConfig | null {
  if (name === 'embeddings.word_embeddings.weight') return axis === 0 ? 'vocab_size' : 'hidden_size';
  if (name === 'embeddings.position_embeddings.weight') return axis === 0 ? 'max_position_embeddings' : 'hidden_size';
  if (name === 'embeddings.token_type_embeddings.weight') return axis === 0 ? 'type_vocab_size' : 'hidden_size';
  if (name.includes('intermediate.dense')) return axis === 0 ? 'intermediate_size' : 'hidden_size';
  if (/output\.dense\.weight$/.test(name) && !name.includes('attention')) return axis === 1 ? 'intermediate_size' : 'hidden_size';
  return 'hidden_size';
}

/** Checkpoint tensors BERT legitimately leaves unused; anything else unused is an error. */
export const BERT_IGNORED: readonly IgnoreRule[] = [
  { pattern: /^(bert\.)?embeddings\.position_ids$/, reason: 'position-id buffer saved by older transformers (always 0..max-1)' },
  { pattern: /^cls\.(predictions|seq_relationship)\./, reason: "BertForPreTraining's masked-LM and next-sentence heads (bert-base-cased ships them); a classifier does not use them" },
];

export async function loadHfBert(dir: string, options: LoadHfBertOptions = {}): Promise<LoadedBert> {
  const configFile = path.join(dir, 'config.json');
  const weightsFile = path.join(dir, 'model.safetensors');
  const config = bertConfig(await readJsonFile(configFile), configFile);
  if (!existsSync(weightsFile) && !existsSync(path.join(dir, 'model.safetensors.index.json'))) {
    const other = ['pytorch_model.bin', 'tf_model.h5'].find((f) => existsSync(path.join(dir, f)));
    throw new FishTuningError(
      `model.safetensors not found${other ? ` (found ${other}: only safetensors checkpoints, single file or sharded, are supported; convert with safetensors' save_file)` : ''}`,
      { file: weightsFile },
    );
  }
  const { task, numLabels } = resolveHead(config, options);
  const rng = new Rng(options.seed ?? 0);
  const file = await CheckpointReader.open(dir);
  const owned = new Map<string, tf.Tensor>();
  const initialised: string[] = [];
  try {
    const prefix = file.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : file.has('embeddings.word_embeddings.weight') ? '' : null;
    if (prefix === null) throw new FishTuningError('not a BERT checkpoint: no embeddings.word_embeddings.weight (with or without bert.)', { file: weightsFile, tensor: 'embeddings.word_embeddings.weight' });
    const extraLayer = `${prefix}encoder.layer.${config.num_hidden_layers}.attention.self.query.weight`;
    if (file.has(extraLayer)) {
      const n = file.names().filter((k) => /encoder\.layer\.\d+\.attention\.self\.query\.weight$/.test(k)).length;
      throw new FishTuningError(`num_hidden_layers is ${config.num_hidden_layers} but ${file.fileOf(extraLayer)} has ${n} layers (found ${extraLayer})`, { file: configFile, option: 'num_hidden_layers' });
    }
    for (const [name, shape] of bertTensorShapes(config)) {
      let key = prefix + name;
      // Checkpoints converted from the original TensorFlow BERT name LayerNorm's parameters gamma/beta.
      const legacy = key.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
      if (!file.has(key) && legacy !== key && file.has(legacy)) key = legacy;
      if (!file.has(key)) {
        if (name.startsWith('pooler.')) {
          // transformers initialises a missing pooler too (sentence-transformers exports may drop it).
          owned.set(name, name.endsWith('.bias') ? tf.zeros(shape) : tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.seed()), config.initializer_range));
          initialised.push(key);
          continue;
        }
        throw new FishTuningError('missing tensor', { file: file.fileOf(key), tensor: key });
      }
      const entry = { shape: file.shapeOf(key)! };
      const bad = entry.shape.length !== shape.length ? -1 : entry.shape.findIndex((d, i) => d !== shape[i]);
      if (entry.shape.length !== shape.length || bad >= 0) {
        const field = bad >= 0 ? fieldFor(name, bad) : null;
        throw new FishTuningError(
          `shape ${JSON.stringify(entry.shape)} does not match ${JSON.stringify(shape)} expected from ${configFile}` +
            (field ? ` (${field} = ${config[field]})` : ''),
          { file: file.fileOf(key), tensor: key, option: field ?? undefined },
        );
      }
      owned.set(name, await file.take(key, shape));
    }
    let classifier: BertClassifier;
    const cw = file.shapeOf('classifier.weight');
    if (cw && cw[0] === numLabels && cw[1] === config.hidden_size && file.has('classifier.bias')) {
      const w = await file.take('classifier.weight', [numLabels, config.hidden_size]);
      const b = await file.take('classifier.bias', [numLabels]);
      classifier = new BertClassifier(w as tf.Tensor2D, b as tf.Tensor1D);
      w.dispose();
      b.dispose();
    } else {
      // A classifier for another label count: a new head, reported in `initialised` (as transformers'
      // ignore_mismatched_sizes does).
      for (const n of ['classifier.weight', 'classifier.bias']) if (file.has(n)) file.markUsed(n);
      classifier = createClassifier(config, numLabels, rng);
      initialised.push('classifier.weight', 'classifier.bias');
    }
    try {
      file.checkAllUsed(BERT_IGNORED, `a bert with ${config.num_hidden_layers} layers (${configFile})`, config.num_hidden_layers);
    } catch (e) {
      classifier.dispose();
      throw e;
    }
    const bert = buildBertModel(config, (name) => {
      const t = owned.get(name)!;
      owned.delete(name);
      return t;
    });
    const model = new BertForSequenceClassification(bert, classifier, task);
    let tokenizer: BertTokenizer | null = null;
    if (options.tokenizer ?? true) {
      try {
        tokenizer = await loadBertTokenizer(dir, options);
        if (tokenizer.vocabSize !== config.vocab_size) {
          throw new FishTuningError(`the tokenizer (${tokenizer.source}) has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocab_size}`, {
            file: path.join(dir, tokenizer.source),
            option: 'vocab_size',
          });
        }
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    return { model, tokenizer, config, initialised };
  } finally {
    for (const t of owned.values()) t.dispose();
    await file.close();
  }
}
