/**
 * The Llama forward, loss, prefix path and greedy decoding against an independent PyTorch reference
 * that reads the llama2.c checkpoint itself and uses Meta's adjacent-pair RoPE.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type PrefixSource } from '@fish-tuning/core';
import { expectAllClose, hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { generateIds, loadLlama2c, type LlamaForCausalLM, type Llama2cTokenizer } from '../src/index.js';
import { LLAMA_REFERENCE } from './llama-reference.js';

const STORIES = sharedPath('models', 'stories260K', 'stories260K.bin');
const canRun = hasShared('models', 'stories260K') && pythonHas('torch', 'numpy');
if (!canRun) console.warn('llama-reference tests skipped: need ../shared/models/stories260K and python3 with torch + numpy');

/** A random llama2.c checkpoint with an untied classifier (negative vocab_size) and 4:1 GQA. */
function writeRandomLlama2c(file: string): void {
  const [dim, hidden, L, nh, nkv, vocab, seq] = [32, 48, 2, 4, 1, 40, 64];
  const hd = dim / nh;
  const kvd = hd * nkv;
  const counts = [vocab * dim, L * dim, L * dim * dim, L * kvd * dim, L * kvd * dim, L * dim * dim, L * dim, 3 * L * hidden * dim, dim, seq * hd, vocab * dim];
  const n = counts.reduce((a, b) => a + b, 0);
  const rng = new Rng(7);
  const w = Float32Array.from({ length: n }, () => rng.normal() * 0.3);
  // Norm weights around 1 (rms_att and rms_ffn: offsets after the embedding and attention weights).
  const header = Int32Array.of(dim, hidden, L, nh, nkv, -vocab, seq);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(header.buffer), Buffer.from(w.buffer)]));
}

function refLogits(bin: string, ids: number[][], mask?: number[][], prefix?: Array<[number[], number[]]>): { logits: number[]; loss?: number[] } {
  return runPython(
    LLAMA_REFERENCE +
      `
P, cfg = load(INPUT['bin'])
prefix = None
if INPUT.get('prefix'):
    b = len(INPUT['ids'])
    l = INPUT['l']
    prefix = prefix_from(INPUT['prefix'], b, cfg['nkv'], l, cfg['hd'])
logits = forward(P, cfg, INPUT['ids'], INPUT.get('mask'), prefix)
out = {'logits': logits.flatten().tolist()}
if INPUT.get('labels'):
    out['loss'] = per_example_loss(logits, INPUT['labels'])
print(json.dumps(out))
`,
    { bin, ids, mask, prefix, l: prefix ? undefined : undefined },
  );
}

/** A prefix source with fixed random keys/values per layer. */
class FixedPrefix implements PrefixSource {
  constructor(
    readonly length: number,
    readonly keys: tf.Tensor[],
    readonly values: tf.Tensor[],
  ) {}
  prefixFor(layer: number) {
    return { key: this.keys[layer], value: this.values[layer] };
  }
}

describe.skipIf(!canRun)('Llama vs PyTorch reference (stories260K)', () => {
  let model: LlamaForCausalLM;
  let tokenizer: Llama2cTokenizer;
  beforeAll(async () => {
    const loaded = await loadLlama2c(sharedPath('models', 'stories260K'));
    model = loaded.model;
    tokenizer = loaded.tokenizer!;
  });
  afterAll(() => model?.dispose());

  // Two right-padded rows of different lengths.
  const ids = [
    [1, 403, 407, 261, 378, 432, 383, 286, 261, 376],
    [1, 350, 298, 315, 421, 0, 0, 0, 0, 0],
  ];
  const mask = ids.map((row, i) => row.map((_, j) => (i === 1 && j >= 5 ? 0 : 1)));
  const labels = ids.map((row, i) => row.map((id, j) => (mask[i][j] ? (j < 3 ? -100 : id) : -100)));

  test('logits of a right-padded batch match (≤1e-4) and the loss per example matches (≤1e-5 relative)', () => {
    const ref = runPython<{ logits: number[]; loss: number[] }>(
      LLAMA_REFERENCE + `\nP, cfg = load(INPUT['bin'])\nlg = forward(P, cfg, INPUT['ids'], INPUT['mask'])\nprint(json.dumps({'logits': lg.flatten().tolist(), 'loss': per_example_loss(lg, INPUT['labels'])}))`,
      { bin: STORIES, ids, mask, labels },
    );
    const batch = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32'), labels: tf.tensor2d(labels, undefined, 'int32') };
    const logits = model.logits(batch);
    expect(logits.shape).toEqual([2, 10, 512]);
    expectAllClose(logits.dataSync(), ref.logits, 0, 1e-4, 'logits');
    const loss = model.perExampleLoss(batch);
    expect(loss.shape).toEqual([2]);
    expectAllClose(loss.dataSync(), ref.loss, 1e-5, 0, 'perExampleLoss');
    tf.dispose([logits, loss, batch.inputIds, batch.attentionMask, batch.labels]);
  });

  test('greedy decoding from a prompt agrees token for token', async () => {
    const prompt = [1, ...tokenizer.encode('Tom and Sue went to the shop')];
    const ours = await generateIds(model, prompt, { maxNewTokens: 40, temperature: 0 });
    const ref = runPython<number[]>(LLAMA_REFERENCE + `\nP, cfg = load(INPUT['bin'])\nprint(json.dumps(greedy(P, cfg, INPUT['ids'], 40)))`, { bin: STORIES, ids: prompt });
    expect(ours).toEqual(ref);
  });

  test('an attention prefix (random K/V) matches HF past_key_values semantics (≤1e-4)', () => {
    const l = 3;
    const { numLayers, numKvHeads, headDim } = model.dims;
    const rng = new Rng(3);
    const rand = () => Array.from({ length: 2 * numKvHeads * l * headDim }, () => rng.normal());
    const arrays = Array.from({ length: numLayers }, () => [rand(), rand()] as [number[], number[]]);
    const prefix = new FixedPrefix(
      l,
      arrays.map(([k]) => tf.tensor4d(k, [2, numKvHeads, l, headDim])),
      arrays.map(([, v]) => tf.tensor4d(v, [2, numKvHeads, l, headDim])),
    );
    const ref = runPython<{ logits: number[] }>(
      LLAMA_REFERENCE + `\nP, cfg = load(INPUT['bin'])\npre = prefix_from(INPUT['prefix'], 2, cfg['nkv'], INPUT['l'], cfg['hd'])\nprint(json.dumps({'logits': forward(P, cfg, INPUT['ids'], INPUT['mask'], pre).flatten().tolist()}))`,
      { bin: STORIES, ids, mask, prefix: arrays, l },
    );
    model.prefix = prefix;
    try {
      const batch = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32') };
      const logits = model.logits(batch);
      expectAllClose(logits.dataSync(), ref.logits, 0, 1e-4, 'logits with prefix');
      tf.dispose([logits, batch.inputIds, batch.attentionMask]);
    } finally {
      model.prefix = null;
      tf.dispose([...prefix.keys, ...prefix.values]);
    }
  });

  test('forwardTop(forwardBottom(batch, k), batch, k) equals perExampleLoss', () => {
    const batch = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32'), labels: tf.tensor2d(labels, undefined, 'int32') };
    const full = model.perExampleLoss(batch);
    const hidden = model.forwardBottom(batch, 2);
    const split = model.forwardTop(hidden, batch, 2);
    expectAllClose(split.dataSync(), full.dataSync(), 1e-6, 1e-7, 'split loss');
    tf.dispose([full, hidden, split, batch.inputIds, batch.attentionMask, batch.labels]);
  });

  test('tf.memory().numTensors is unchanged by 100 forward calls and by generation', async () => {
    const batch = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32') };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) model.logits(batch).dispose();
    expect(tf.memory().numTensors).toBe(before);
    await generateIds(model, [1, 403], { maxNewTokens: 5, temperature: 0.8, topP: 0.9, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batch.inputIds, batch.attentionMask]);
  });
});

describe.skipIf(!pythonHas('torch', 'numpy'))('Llama vs PyTorch reference (random untied model, 4:1 GQA)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-rand-'));
  const bin = path.join(dir, 'random.bin');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('untied classifier, padding and a prefix agree with the reference', async () => {
    writeRandomLlama2c(bin);
    const { model, config } = await loadLlama2c(bin);
    expect(config.tieWordEmbeddings).toBe(false);
    expect(model.dims).toMatchObject({ numHeads: 4, numKvHeads: 1, headDim: 8, vocabSize: 40 });
    const ids = [
      [1, 5, 9, 33, 2, 17],
      [1, 4, 4, 0, 0, 0],
    ];
    const mask = [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ];
    const l = 2;
    const rng = new Rng(11);
    const rand = () => Array.from({ length: 2 * 1 * l * 8 }, () => rng.normal());
    const arrays = Array.from({ length: 2 }, () => [rand(), rand()] as [number[], number[]]);
    const ref0 = refLogits(bin, ids, mask);
    const ref1 = runPython<{ logits: number[] }>(
      LLAMA_REFERENCE + `\nP, cfg = load(INPUT['bin'])\npre = prefix_from(INPUT['prefix'], 2, cfg['nkv'], INPUT['l'], cfg['hd'])\nprint(json.dumps({'logits': forward(P, cfg, INPUT['ids'], INPUT['mask'], pre).flatten().tolist()}))`,
      { bin, ids, mask, prefix: arrays, l },
    );
    const batch = { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32') };
    const plain = model.logits(batch);
    expectAllClose(plain.dataSync(), ref0.logits, 1e-4, 1e-4, 'logits');
    const keys = arrays.map(([k]) => tf.tensor4d(k, [2, 1, l, 8]));
    const values = arrays.map(([, v]) => tf.tensor4d(v, [2, 1, l, 8]));
    model.prefix = new FixedPrefix(l, keys, values);
    const withPrefix = model.logits(batch);
    expectAllClose(withPrefix.dataSync(), ref1.logits, 1e-4, 1e-4, 'logits with prefix');
    tf.dispose([plain, withPrefix, batch.inputIds, batch.attentionMask, ...keys, ...values]);
    model.dispose();
  });
});
