/** llama2.c inputs that do not fit: every error names the file and the header field or tensor. */
import { afterAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { generate, loadLlama2c, loadLlamaModel, createLlama, Llama2cTokenizer } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-err-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function fishError(p: Promise<unknown>): Promise<FishTuningError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FishTuningError);
  return e as FishTuningError;
}

describe.skipIf(!hasShared('models', 'stories260K'))('llama2.c loader errors', () => {
  const bin = fs.readFileSync(sharedPath('models', 'stories260K', 'stories260K.bin'));
  const tok = fs.readFileSync(sharedPath('models', 'stories260K', 'tok512.bin'));

  test('a truncated checkpoint names the file and the tensor that runs past the end', async () => {
    const file = path.join(tmp, 'truncated.bin');
    fs.writeFileSync(file, bin.subarray(0, bin.length - 5000));
    const e = await fishError(loadLlama2c(file));
    expect(e.file).toBe(file);
    expect(e.tensor).toBe('freq_cis_imag'); // the last tensor (8192 bytes) loses 5000
    expect(e.message).toContain(file);
    expect(e.message).toContain('n_layers=5');
    const tiny = path.join(tmp, 'header-only.bin');
    fs.writeFileSync(tiny, bin.subarray(0, 20));
    expect((await fishError(loadLlama2c(tiny))).message).toContain(tiny);
  });

  test('a header that does not match the weights names the file and the header', async () => {
    const file = path.join(tmp, 'mismatch.bin');
    const copy = Buffer.from(bin);
    copy.writeInt32LE(4, 8); // n_layers 5 → 4: the file is now too long for its header
    fs.writeFileSync(file, copy);
    const e = await fishError(loadLlama2c(file));
    expect(e.file).toBe(file);
    expect(e.option).toBe('header');
    expect(e.message).toContain('n_layers=4');
    copy.writeInt32LE(5, 8);
    copy.writeInt32LE(7, 12); // n_heads 8 → 7: 64 does not split into 7 heads
    fs.writeFileSync(file, copy);
    expect((await fishError(loadLlama2c(file))).option).toBe('n_heads');
  });

  test('a tokenizer whose vocabulary size differs from the model names the tokenizer file and vocab_size', async () => {
    const dir = path.join(tmp, 'wrong-vocab');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model.bin'), bin);
    const t = Llama2cTokenizer.fromBytes(new Uint8Array(tok));
    const smaller = new Llama2cTokenizer(t.pieces.slice(0, 500), t.scores.slice(0, 500), t.maxTokenLength);
    const tokFile = path.join(dir, 'tok500.bin');
    fs.writeFileSync(tokFile, smaller.toBytes());
    for (const load of [loadLlama2c(dir), loadLlamaModel(dir)]) {
      const e = await fishError(load);
      expect(e.file).toBe(tokFile);
      expect(e.option).toBe('vocab_size');
      expect(e.message).toContain('500');
      expect(e.message).toContain('512');
    }
    // generate() refuses a tokenizer larger than the model.
    const m = createLlama({ vocabSize: 300, hiddenSize: 8, intermediateSize: 8, numHiddenLayers: 1, numAttentionHeads: 2 });
    await expect(generate(m, t, { maxNewTokens: 1 })).rejects.toThrow(/512 tokens but the model's vocab_size is 300/);
    m.dispose();
  });

  test('a truncated tokenizer file names the file and the entry', () => {
    const e = (() => {
      try {
        Llama2cTokenizer.fromBytes(new Uint8Array(tok.subarray(0, tok.length - 3)), 'tok512.bin');
      } catch (err) {
        return err as FishTuningError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(FishTuningError);
    expect(e!.file).toBe('tok512.bin');
    expect(e!.option).toBe('vocab[511]');
  });

  test('a directory without exactly one checkpoint is reported', async () => {
    const dir = path.join(tmp, 'two-models');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.bin'), bin);
    fs.writeFileSync(path.join(dir, 'b.bin'), bin);
    const e = await fishError(loadLlama2c(dir));
    expect(e.file).toBe(dir);
    expect(e.message).toContain('a.bin');
  });
});
