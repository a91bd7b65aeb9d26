/**
 * The priority-queue merge of the llama2.c tokenizer against the quadratic scan it replaced (kept
 * here as the oracle): identical ids on the stories260K README and on random strings, and a
 * 200k-character line that completes.
 */
import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { Llama2cTokenizer } from '../src/index.js';
import { scanEncode } from './tokenizer-scan-oracle.js';

const TOK = sharedPath('models', 'stories260K', 'tok512.bin');
const README = sharedPath('models', 'stories260K', 'README.md');

/** A seeded xorshift generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe.skipIf(!hasShared('models', 'stories260K', 'tok512.bin'))('llama2.c tokenizer merge queue', () => {
  const tok = () => Llama2cTokenizer.fromBytes(new Uint8Array(fs.readFileSync(TOK)), TOK);

  test('same ids as the scan on every line of the stories260K README', () => {
    const t = tok();
    const lines = fs.readFileSync(README, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(t.encode(line), line).toEqual(scanEncode(t, line));
    const whole = fs.readFileSync(README, 'utf8');
    expect(t.encode(whole)).toEqual(scanEncode(t, whole));
  });

  test('same ids as the scan on 400 random strings (ASCII, spaces, repeats, multi-byte and unknown characters)', () => {
    const t = tok();
    const rnd = random(15);
    const alphabet = ['a', 'e', 't', 'h', 'o', ' ', ' ', 'the', 'ing', 'Lily', '.', ',', '\n', 'é', '日本', '🙂', '\u0000', 'zz', 'aaaa'];
    for (let k = 0; k < 400; k++) {
      const len = Math.floor(rnd() * 60);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(t.encode(s), JSON.stringify(s)).toEqual(scanEncode(t, s));
    }
  });

  test('ties: the leftmost pair merges first, as in the scan (a vocabulary where every merge scores the same)', () => {
    const pieces = ['<unk>', '<s>', '</s>', ' ', 'a', 'b', 'ab', 'ba', ' a', 'aba', 'bab'];
    const t = new Llama2cTokenizer(pieces, new Float32Array(pieces.length).fill(1));
    for (const s of ['ab', 'aba', 'abab', 'babab', 'ababab', 'bbaabbaab', 'a b a b']) expect(t.encode(s), s).toEqual(scanEncode(t, s));
  });

  test('a 200k-character line completes and decodes back', () => {
    const t = tok();
    const sentence = 'Once upon a time, there was a little girl named Lily. She liked to play outside in the sun. ';
    const text = sentence.repeat(Math.ceil(200_000 / sentence.length)).slice(0, 200_000);
    const ids = t.encode(text);
    expect(ids.length).toBeGreaterThan(10_000);
    expect(t.decode(ids)).toBe(text);
    // The first sentences tokenize as they do on their own.
    expect(ids.slice(0, 10)).toEqual(scanEncode(t, sentence.repeat(3)).slice(0, 10));
  }, 60_000);
});
