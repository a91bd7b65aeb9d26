/**
 * all-MiniLM-L6-v2 (fetched by `pnpm fetch-models` into .cache/models): tokenizer ids vs the Rust
 * `tokenizers` package (Python, in .cache/venv-tokenizers), hidden states vs the PyTorch reference.
 * Skips with a message when the model or the references are absent.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { closeness, modelCachePath, pythonHas, repoRoot, runPython } from '@fish-tuning/test-utils';
import { loadBertTokenizer, loadHfBert, meanPooling, type LoadedBert } from '../src/bert/index.js';
import { TORCH_BERT } from './bert-reference.js';

const dir = modelCachePath('all-MiniLM-L6-v2');
const hasModel = fs.existsSync(path.join(dir, 'model.safetensors'));
const refPython = path.join(repoRoot(), '.cache', 'venv-tokenizers', 'bin', 'python');
const hasTokenizersRef = fs.existsSync(refPython) && spawnSync(refPython, ['-c', 'import tokenizers']).status === 0;
if (!hasModel) console.warn(`bert-minilm: ${dir} is absent; run \`pnpm fetch-models\` to enable the MiniLM tests`);
if (!hasTokenizersRef) console.warn(`bert-minilm: ${refPython} with the 'tokenizers' package is absent (pnpm fetch-models creates it); tokenizer parity skipped`);

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  "Hello, World! It's a café — naïve résumé, don't you think?",
  'Ünïcödé ÅÉÎ 中文字符 and 日本語 😀 ok',
  '  multiple   spaces\tand\nnewlines, $12.50 & 3/4 (approx.) supercalifragilisticexpialidocious',
  '[CLS] special [SEP] tokens [MASK] in text',
  'A',
];

describe.skipIf(!hasModel || !hasTokenizersRef)('MiniLM tokenizer ids vs the Rust tokenizers package', () => {
  it('tokenizer.json (via @huggingface/tokenizers) and vocab.txt (BasicTokenizer + WordPiece) both match', async () => {
    const script = [
      'import json, sys',
      'from tokenizers import Tokenizer',
      't = Tokenizer.from_file(sys.argv[1]); t.no_padding(); t.no_truncation()',
      'print(json.dumps([t.encode(s, add_special_tokens=False).ids for s in json.loads(sys.stdin.read())]))',
    ].join('\n');
    const r = spawnSync(refPython, ['-c', script, path.join(dir, 'tokenizer.json')], { input: JSON.stringify(SENTENCES), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const expected: number[][] = JSON.parse(r.stdout);
    const fromJson = await loadBertTokenizer(dir);
    const fromVocab = await loadBertTokenizer(dir, { prefer: 'vocab.txt' });
    expect(fromJson.source).toBe('tokenizer.json');
    expect(fromVocab.source).toBe('vocab.txt');
    SENTENCES.forEach((s, i) => {
      expect(fromJson.encode(s), `tokenizer.json: ${s}`).toEqual(expected[i]);
      expect(fromVocab.encode(s), `vocab.txt: ${s}`).toEqual(expected[i]);
    });
    for (const tok of [fromJson, fromVocab]) {
      expect([tok.clsId, tok.sepId, tok.padId, tok.unkId, tok.vocabSize]).toEqual([101, 102, 0, 100, 30522]);
      expect(tok.decode(tok.encode('Hello, world!'))).toBe('hello, world!');
    }
  });
});

describe.skipIf(!hasModel || !pythonHas('torch', 'numpy'))('MiniLM hidden states vs PyTorch', () => {
  let loaded: LoadedBert;
  beforeAll(async () => {
    loaded = await loadHfBert(dir);
  });
  afterAll(() => loaded?.model.dispose());

  it('loads 6 × 384 with vocab 30522; last hidden states match within 1e-4 (padding included)', () => {
    const { model, tokenizer, initialised } = loaded;
    expect(model.dims).toMatchObject({ numLayers: 6, hiddenSize: 384, numHeads: 12, vocabSize: 30522 });
    expect(initialised).toEqual(['classifier.weight', 'classifier.bias']);
    const sentences = SENTENCES.slice(0, 4);
    const encoded = sentences.map((s) => [tokenizer!.clsId, ...tokenizer!.encode(s), tokenizer!.sepId]);
    const t = Math.max(...encoded.map((e) => e.length));
    const ids = encoded.map((e) => [...e, ...new Array(t - e.length).fill(tokenizer!.padId)]);
    const mask = encoded.map((e) => e.map(() => 1).concat(new Array(t - e.length).fill(0)));
    const types = ids.map((row) => row.map(() => 0));
    const ref = runPython<{ hidden: number[] }>(TORCH_BERT, { dir, ids, mask, types, labels: [], regression: false });
    const b = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32'), tokenTypeIds: tf.tensor2d(types, undefined, 'int32') };
    const hidden = model.encode(b);
    const got = hidden.dataSync();
    let maxDiff = 0;
    const d = 384;
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < t; j++) {
        if (!mask[i][j]) continue;
        for (let k = 0; k < d; k++) {
          const o = (i * t + j) * d + k;
          maxDiff = Math.max(maxDiff, Math.abs(got[o] - ref.hidden[o]));
        }
      }
    }
    console.log(`MiniLM hidden-state parity: max |diff| = ${maxDiff.toExponential(2)} over ${ids.length} sentences × ${t} tokens`);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    // Sentence embeddings are unit vectors; the first two sentences are less alike than a sentence with itself.
    const emb = meanPooling(hidden, b.attentionMask);
    const sims = tf.matMul(emb, tf.transpose(emb));
    const s = sims.arraySync() as number[][];
    expect(closeness([s[0][0], s[1][1]], [1, 1], 0, 1e-5)).toBeLessThanOrEqual(1);
    expect(s[0][1]).toBeLessThan(0.9);
    tf.dispose([hidden, emb, sims, b.inputIds, b.attentionMask, b.tokenTypeIds]);
  });
});
