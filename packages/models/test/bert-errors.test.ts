/** Bad input to the BERT loader, config, tokenizer and model: each error names the file and the field or tensor. */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';
import { bertConfig, createBert, loadBertTokenizer, loadHfBert } from '../src/bert/index.js';
import { TINY_CONFIG, tmpDir, writeCheckpoint } from './bert-reference.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
function vocab(n: number): string {
  const words = [...SPECIALS];
  for (let i = words.length; i < n; i++) words.push(i % 2 ? `w${i}` : `##p${i}`);
  return words.join('\n') + '\n';
}

async function expectError(p: Promise<unknown> | (() => unknown), fields: { file?: string; tensor?: string; option?: string; message?: RegExp }): Promise<void> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a FishTuningError').toBeInstanceOf(FishTuningError);
  const e = error as FishTuningError;
  if (fields.file) expect(e.file).toBe(fields.file);
  if (fields.tensor) expect(e.tensor).toBe(fields.tensor);
  if (fields.option) expect(e.option).toBe(fields.option);
  if (fields.message) expect(e.message).toMatch(fields.message);
  // The message itself names them too (what a CLI user sees).
  for (const v of [fields.file, fields.tensor, fields.option]) if (v) expect(e.message).toContain(v);
}

describe('loadHfBert rejects checkpoints that do not match config.json', () => {
  it('hidden_size differs from the weights', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...TINY_CONFIG, hidden_size: 32 }));
    await expectError(loadHfBert(dir, { tokenizer: false }), {
      file: path.join(dir, 'model.safetensors'),
      tensor: 'bert.embeddings.word_embeddings.weight',
      option: 'hidden_size',
      message: /\[40,16\] does not match \[40,32\]/,
    });
  });

  it('vocab_size differs from the weights', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...TINY_CONFIG, vocab_size: 50 }));
    await expectError(loadHfBert(dir, { tokenizer: false }), { tensor: 'bert.embeddings.word_embeddings.weight', option: 'vocab_size', message: /vocab_size = 50/ });
  });

  it('num_hidden_layers smaller than the weights', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...TINY_CONFIG, num_hidden_layers: 1 }));
    await expectError(loadHfBert(dir, { tokenizer: false }), { file: path.join(dir, 'config.json'), option: 'num_hidden_layers', message: /has 2 layers/ });
  });

  it('num_hidden_layers larger than the weights: the first missing tensor is named', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...TINY_CONFIG, num_hidden_layers: 3 }));
    await expectError(loadHfBert(dir, { tokenizer: false }), { file: path.join(dir, 'model.safetensors'), tensor: 'bert.encoder.layer.2.attention.self.query.weight', message: /missing/ });
  });

  it('a misshaped tensor names the tensor and the config field', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1, {
      prefix: '',
      edit: (t) => t.set('encoder.layer.1.intermediate.dense.weight', { shape: [20, 16], data: new Float32Array(320), dtype: 'F32' }),
    });
    await expectError(loadHfBert(dir, { tokenizer: false }), { tensor: 'encoder.layer.1.intermediate.dense.weight', option: 'intermediate_size', message: /\[20,16\] does not match \[24,16\]/ });
  });

  it('a missing tensor is named', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1, { edit: (t) => t.delete('bert.encoder.layer.0.attention.self.value.bias') });
    await expectError(loadHfBert(dir, { tokenizer: false }), { file: path.join(dir, 'model.safetensors'), tensor: 'bert.encoder.layer.0.attention.self.value.bias' });
  });

  it('not a BERT checkpoint', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1, { prefix: 'roberta.' });
    await expectError(loadHfBert(dir, { tokenizer: false }), { tensor: 'embeddings.word_embeddings.weight', message: /not a BERT checkpoint/ });
  });

  it('pytorch_model.bin only: says that only safetensors is supported', async () => {
    const dir = tmpDir('bin');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(TINY_CONFIG));
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), 'x');
    await expectError(loadHfBert(dir), { file: path.join(dir, 'model.safetensors'), message: /found pytorch_model.bin: only safetensors checkpoints/ });
  });

  it('tokenizer vocabulary size differs from vocab_size', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'vocab.txt'), vocab(39));
    await expectError(loadHfBert(dir), { file: path.join(dir, 'vocab.txt'), option: 'vocab_size', message: /39 tokens but vocab_size is 40/ });
    fs.writeFileSync(path.join(dir, 'vocab.txt'), vocab(40));
    const { model, tokenizer } = await loadHfBert(dir);
    expect(tokenizer?.vocabSize).toBe(40);
    model.dispose();
  });

  it('invalid config.json is named', async () => {
    const dir = await writeCheckpoint(TINY_CONFIG, 1);
    fs.writeFileSync(path.join(dir, 'config.json'), '{"hidden_size": ');
    await expectError(loadHfBert(dir), { file: path.join(dir, 'config.json'), message: /invalid JSON/ });
  });
});

describe('config and tokenizer errors', () => {
  it('config fields are checked by name', async () => {
    await expectError(() => bertConfig({ ...TINY_CONFIG, hidden_act: 'swish' }, 'config.json'), { file: 'config.json', option: 'hidden_act' });
    await expectError(() => bertConfig({ ...TINY_CONFIG, num_attention_heads: 5 }, 'config.json'), { option: 'num_attention_heads', message: /not a multiple/ });
    await expectError(() => bertConfig({ ...TINY_CONFIG, model_type: 'gpt2' }), { option: 'model_type' });
    await expectError(() => bertConfig({ ...TINY_CONFIG, position_embedding_type: 'relative_key' }), { option: 'position_embedding_type' });
    await expectError(() => bertConfig({ ...TINY_CONFIG, hidden_dropout_prob: 1.5 }), { option: 'hidden_dropout_prob' });
    await expectError(() => bertConfig({ ...TINY_CONFIG, problem_type: 'multi_label_classification' }), { option: 'problem_type' });
    await expectError(() => createBert(TINY_CONFIG, 1, { regression: true, numLabels: 3 }), { option: 'numLabels' });
  });

  it('a vocab.txt without [CLS] and a directory without any tokenizer are named', async () => {
    const dir = tmpDir('tok');
    await expectError(loadBertTokenizer(dir), { file: dir, message: /no tokenizer.json or vocab.txt/ });
    fs.writeFileSync(path.join(dir, 'vocab.txt'), vocab(10).replace('[CLS]', 'cls'));
    await expectError(loadBertTokenizer(dir), { file: path.join(dir, 'vocab.txt'), option: 'cls_token' });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'Unigram', vocab: {}, merges: [] } }));
    await expectError(loadBertTokenizer(dir), { file: path.join(dir, 'tokenizer.json'), option: 'model.type' });
  });
});

describe('batch errors', () => {
  it('labels of the wrong shape and sequences longer than max_position_embeddings are named', async () => {
    const model = createBert(TINY_CONFIG, 1);
    const ids = tf.zeros([2, 5], 'int32') as tf.Tensor2D;
    const labels = tf.zeros([3], 'int32');
    await expectError(() => model.perExampleLoss({ inputIds: ids, labels }), { option: 'labels', message: /\[2\]/ });
    await expectError(() => model.perExampleLoss({ inputIds: ids }), { option: 'labels' });
    const long = tf.zeros([1, 25], 'int32') as tf.Tensor2D;
    await expectError(() => model.logits({ inputIds: long }), { option: 'inputIds', message: /max_position_embeddings 24/ });
    const badMask = tf.ones([2, 4], 'int32') as tf.Tensor2D;
    await expectError(() => model.logits({ inputIds: ids, attentionMask: badMask }), { option: 'attentionMask' });
    tf.dispose([ids, labels, long, badMask]);
    model.dispose();
  });
});

describe('vocab.txt tokenizer on its own', () => {
  it('cased and uncased, accents stripped only when lowercasing (or asked), specials kept whole', async () => {
    const words = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'Hello', 'cafe', 'café', '##s', ',', '!', 'un', '##aff', '##able'];
    const text = words.join('\n');
    const { VocabBertTokenizer } = await import('../src/bert/index.js');
    const uncased = new VocabBertTokenizer(text);
    expect(uncased.tokenize('Hello, CAFÉS! [SEP] unaffable xyz')).toEqual(['hello', ',', 'cafe', '##s', '!', '[SEP]', 'un', '##aff', '##able', '[UNK]']);
    const cased = new VocabBertTokenizer(text, { doLowerCase: false });
    expect(cased.tokenize('Hello café')).toEqual(['Hello', 'café']);
    const casedStrip = new VocabBertTokenizer(text, { doLowerCase: false, stripAccents: true });
    expect(casedStrip.tokenize('café')).toEqual(['cafe']);
    const keepAccents = new VocabBertTokenizer(text, { doLowerCase: true, stripAccents: false });
    expect(keepAccents.tokenize('CAFÉ')).toEqual(['café']);
    expect(uncased.decode(uncased.encode('[CLS] hello, cafes! [SEP]'), { skipSpecialTokens: true })).toBe('hello, cafes!');
  });
});
