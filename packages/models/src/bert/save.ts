/**
 * The whole model back to a Hugging Face directory (config.json + model.safetensors, plus the
 * tokenizer's files), named as transformers' BertForSequenceClassification saves them (`bert.` prefix,
 * `classifier.*` at the root), so that `loadHfBert` and transformers both read it.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError, Linear, getSubmodule, toWritable } from '@fish-tuning/core';
import { writeFileAtomic, writeJsonFileAtomic, writeSafetensorsFile } from '@fish-tuning/core/node';
import { bertTensorShapes } from './build.js';
import { Embedding, LayerNorm } from './primitives.js';
import type { BertConfig } from './config.js';
import type { BertForSequenceClassification } from './sequence-classification.js';
import type { BertTokenizer } from './tokenizer/bert-tokenizer.js';

/** Every weight as a new tensor (HF layout, owned by the caller), keyed by its checkpoint name. */
export function bertStateDict(model: BertForSequenceClassification): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  try {
    for (const name of bertTensorShapes(model.bert.config).keys()) {
      if (name.endsWith('.bias')) continue; // read with its module's weight below
      const modulePath = `bert.${name.slice(0, -'.weight'.length)}`;
      const m = getSubmodule(model, modulePath);
      if (m instanceof Linear) {
        out.set(`${modulePath}.weight`, m.weight());
        if (m.bias) out.set(`${modulePath}.bias`, tf.clone(m.bias));
      } else if (m instanceof LayerNorm) {
        out.set(`${modulePath}.weight`, tf.clone(m.weight));
        if (m.bias) out.set(`${modulePath}.bias`, tf.clone(m.bias));
      } else if (m instanceof Embedding) {
        out.set(`${modulePath}.weight`, tf.clone(m.weight));
      } else {
        throw new FishTuningError('not a plain layer (merge or remove the adapter before saving the base model)', { option: modulePath });
      }
    }
    out.set('classifier.weight', tf.clone(model.classifier.weight));
    out.set('classifier.bias', tf.clone(model.classifier.bias));
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}

/** config.json contents for `config`, with the head's size and task. */
export function toHfBertConfigJson(config: BertConfig, task: 'classification' | 'regression', numLabels: number): Record<string, unknown> {
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    ...config,
    num_labels: numLabels,
    id2label: Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [String(i), `LABEL_${i}`])),
    label2id: Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [`LABEL_${i}`, i])),
    problem_type: task === 'regression' ? 'regression' : 'single_label_classification',
  };
}

export async function saveHfBert(model: BertForSequenceClassification, dir: string, options: { tokenizer?: BertTokenizer | null } = {}): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  const state = bertStateDict(model);
  try {
    await writeSafetensorsFile(path.join(dir, 'model.safetensors'), await toWritable(state), { format: 'pt' });
  } finally {
    for (const t of state.values()) t.dispose();
  }
  await writeJsonFileAtomic(path.join(dir, 'config.json'), toHfBertConfigJson(model.bert.config, model.task, model.numLabels));
  for (const [name, text] of Object.entries(options.tokenizer?.files() ?? {})) await writeFileAtomic(path.join(dir, name), text);
}
