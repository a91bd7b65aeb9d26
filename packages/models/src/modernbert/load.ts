/**
 * Loads a Hugging Face ModernBERT directory (Node): config.json + model.safetensors (or shards), as
 * ModernBertForSequenceClassification (`model.*`, `head.*`, `classifier.*`), ModernBertForMaskedLM
 * (ModernBERT-base: `decoder.*` is on the ignore list) or ModernBertModel (no `model.` prefix, no head)
 * saves it. A head or classifier the checkpoint lacks is initialised from `seed` and reported in
 * `initialised`; any other tensor the model does not use is an error naming file and tensor.
 * @module
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Rng } from '@fish-tuning/core';
import { readJsonFile } from '@fish-tuning/core/node';
import { CheckpointReader, type IgnoreRule } from '../checkpoint/reader.js';
import { BertClassifier } from '../bert/classifier.js';
import { resolveHead, type BertHeadOptions } from '../bert/create.js';
import type { BertConfig } from '../bert/config.js';
import { loadBertTokenizer } from '../bert/tokenizer/load.js';
import type { BertTokenizer } from '../bert/tokenizer/bert-tokenizer.js';
import { modernBertConfig, type ModernBertConfig } from './config.js';
import { buildModernBert, modernBertTensorShapes } from './build.js';
import { ModernBertForSequenceClassification } from './model.js';
import { createModernBertClassifier, truncatedNormal } from './create.js';

export interface LoadHfModernBertOptions extends BertHeadOptions {
  /** Seed of a freshly initialised head/classifier; default 0. */
  seed?: number;
  /** Load tokenizer.json too when present (default true). */
  tokenizer?: boolean;
}

export interface LoadedModernBert {
  model: ModernBertForSequenceClassification;
  tokenizer: BertTokenizer | null;
  config: ModernBertConfig;
  /** Tensors initialised from the seed because the checkpoint lacked them (or held a differently sized classifier). */
  initialised: string[];
}

export const MODERNBERT_IGNORED: readonly IgnoreRule[] = [
  { pattern: /^decoder\.(weight|bias)$/, reason: "ModernBertForMaskedLM's vocabulary decoder (masked-LM only; a classifier does not use it)" },
];

export async function loadHfModernBert(dir: string, options: LoadHfModernBertOptions = {}): Promise<LoadedModernBert> {
  const configFile = path.join(dir, 'config.json');
  const config = modernBertConfig(await readJsonFile(configFile), configFile);
  const { task, numLabels } = resolveHead(config as unknown as BertConfig, options);
  const rng = new Rng(options.seed ?? 0);
  const reader = await CheckpointReader.open(dir);
  const owned = new Map<string, tf.Tensor>();
  const initialised: string[] = [];
  let classifier: BertClassifier | null = null;
  try {
    const prefix = reader.has('model.embeddings.tok_embeddings.weight') ? 'model.' : reader.has('embeddings.tok_embeddings.weight') ? '' : null;
    if (prefix === null) {
      throw new FishTuningError('not a ModernBERT checkpoint: no model.embeddings.tok_embeddings.weight (with or without model.)', { file: reader.fileOf(''), tensor: 'model.embeddings.tok_embeddings.weight' });
    }
    const { encoder, head } = modernBertTensorShapes(config);
    const why = `from hidden_size, intermediate_size, vocab_size, num_hidden_layers and the *_bias fields of ${configFile}`;
    for (const [name, shape] of encoder) owned.set(name, await reader.take(prefix + name, shape, why));
    const headPresent = [...head.keys()].filter((n) => reader.has(n));
    if (headPresent.length === head.size) {
      for (const [name, shape] of head) owned.set(name, await reader.take(name, shape, why));
    } else if (headPresent.length === 0) {
      // transformers initialises a missing head too (a ModernBertModel checkpoint has none).
      const std = config.initializer_range / Math.sqrt(2 * config.num_hidden_layers);
      for (const [name, shape] of head) {
        owned.set(name, name.endsWith('norm.weight') ? tf.ones(shape) : name.endsWith('.bias') ? tf.zeros(shape) : truncatedNormal(rng, shape, std));
        initialised.push(name);
      }
    } else {
      const missing = [...head.keys()].find((n) => !reader.has(n))!;
      throw new FishTuningError(`missing tensor (the checkpoint has part of the head: ${headPresent.join(', ')})`, { file: reader.fileOf(headPresent[0]), tensor: missing });
    }
    const cw = reader.shapeOf('classifier.weight');
    if (cw && cw[0] === numLabels && cw[1] === config.hidden_size && reader.has('classifier.bias')) {
      const w = await reader.take('classifier.weight', [numLabels, config.hidden_size]);
      const b = await reader.take('classifier.bias', [numLabels]);
      classifier = new BertClassifier(w as tf.Tensor2D, b as tf.Tensor1D);
      tf.dispose([w, b]);
    } else {
      if (cw) {
        // A classifier for another label count (e.g. a 3-way checkpoint used for regression): a new head, reported.
        reader.markUsed('classifier.weight');
        if (reader.has('classifier.bias')) reader.markUsed('classifier.bias');
      }
      classifier = createModernBertClassifier(config, numLabels, rng);
      initialised.push('classifier.weight', 'classifier.bias');
    }
    reader.checkAllUsed(MODERNBERT_IGNORED, `a modernbert with ${config.num_hidden_layers} layers (${configFile})`, config.num_hidden_layers);
  } catch (e) {
    for (const t of owned.values()) t.dispose();
    classifier?.dispose();
    throw e;
  } finally {
    await reader.close();
  }
  const take = (name: string) => {
    const t = owned.get(name)!;
    owned.delete(name);
    return t;
  };
  const { model: encoderModel, head } = buildModernBert(config, take);
  const model = new ModernBertForSequenceClassification(config, encoderModel, head, classifier, task);
  let tokenizer: BertTokenizer | null = null;
  if ((options.tokenizer ?? true) && existsSync(path.join(dir, 'tokenizer.json'))) {
    try {
      tokenizer = await loadBertTokenizer(dir);
      // The embedding may be padded beyond the tokenizer (ModernBERT-base: 50368 rows), never the other way round.
      if (tokenizer.vocabSize > config.vocab_size) {
        throw new FishTuningError(`the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocab_size}`, { file: path.join(dir, 'tokenizer.json'), option: 'vocab_size' });
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return { model, tokenizer, config, initialised };
}
