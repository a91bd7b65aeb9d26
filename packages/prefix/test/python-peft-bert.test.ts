/**
 * Python PEFT loads our IA3 and PREFIX_TUNING directories onto a Hugging Face BertForSequenceClassification
 * (saved by saveHfBert) and gives our logits — including the trained classifier head. Needs a Python with
 * peft + transformers (FISH_PYTHON); skipped otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'vitest';
import { Rng, type PeftAdapter } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { createBert, saveHfBert, type BertForSequenceClassification } from '@fish-tuning/models';
import { expectAllClose, pythonHas, runPython } from '@fish-tuning/test-utils';
import { injectPrefix, prefixConfig } from '../src/index.js';
import { ia3Config, injectIa3 } from '../../ia3/src/index.js';
import { PEFT_LOAD_BERT } from './reference.js';
import { randomise } from '@fish-tuning/test-utils/conformance';

const make = () => createBert({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 64, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }, 7, { numLabels: 3 }) as BertForSequenceClassification;

describe.skipIf(!pythonHas('peft', 'transformers'))('Python PEFT loads our directories onto HF BERT', () => {
  it.each(['ia3', 'prefix'] as const)('%s: same logits (≤1e-4), head included', async (method) => {
    const model = make();
    const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-bert-'));
    await saveHfBert(model, modelDir);
    const adapter: PeftAdapter = method === 'ia3' ? injectIa3(model, ia3Config({}, model)) : injectPrefix(model, prefixConfig({ num_virtual_tokens: 5 }, model), new Rng(3));
    if (method === 'ia3') randomise(adapter, 5, 0.3, 1);
    for (const p of model.headParameters()) {
      const next = tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', 9)));
      p.variable.assign(next);
      next.dispose();
    }
    const adapterDir = fs.mkdtempSync(path.join(os.tmpdir(), `peft-${method}-`));
    await saveAdapter(adapterDir, adapter);
    const ids = [[2, 5, 9, 3, 7], [2, 4, 6, 8, 0]];
    const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]];
    const ours = await model.logits({ inputIds: tf.tensor2d(ids, [2, 5], 'int32'), attentionMask: tf.tensor2d(mask, [2, 5], 'int32') }).data();
    const ref = runPython<{ logits: number[] }>(PEFT_LOAD_BERT, { model_dir: modelDir, adapter_dir: adapterDir, ids, mask });
    expectAllClose(ours, ref.logits, 1e-4, 1e-4, `${method} logits vs Python PEFT`);
    adapter.dispose();
  });
});
