/**
 * Test helpers: the shared GSM8K directory and a tiny word-level tokenizer (no model needed).
 * @module
 */
import { readFileSync } from 'node:fs';
import type { TextTokenizer } from '@fish-tuning/core';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';

/** `path.resolve(repoRoot, '../shared/data/gsm8k')`. */
export const gsm8kDir = sharedPath('data', 'gsm8k');
export const hasData = hasShared('data', 'gsm8k', 'test.jsonl') && hasShared('data', 'MANIFEST.tsv');
export const skipReason = `shared data not found at ${gsm8kDir} (expected ../shared/data next to the repo root); skipping`;
if (!hasData) console.warn(skipReason);

/** Row counts from MANIFEST.tsv, keyed by path relative to data/. */
export function manifestRows(): Map<string, number> {
  const lines = readFileSync(sharedPath('data', 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const out = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    if (f[header.indexOf('rows')] !== '') out.set(f[header.indexOf('path')], Number(f[header.indexOf('rows')]));
  }
  return out;
}

const SPECIALS = ['<pad>', '<s>', '</s>'];

/**
 * Splits text into runs of word characters, runs of whitespace and single other characters, and
 * gives each distinct piece an id as it is first seen (pad 0, bos 1, eos 2). Decoding concatenates,
 * so decode(encode(t)) === t.
 */
export function wordTokenizer(): TextTokenizer {
  const ids = new Map<string, number>();
  const pieces: string[] = [...SPECIALS];
  return {
    get vocabSize() {
      return pieces.length;
    },
    padId: 0,
    bosId: 1,
    eosId: 2,
    encode: (text) =>
      (text.match(/\w+|\s+|[^\w\s]/gu) ?? []).map((p) => {
        let id = ids.get(p);
        if (id === undefined) {
          id = pieces.length;
          pieces.push(p);
          ids.set(p, id);
        }
        return id;
      }),
    decode: (list, options = {}) =>
      list.map((id) => (id < SPECIALS.length && options.skipSpecialTokens ? '' : pieces[id])).join(''),
  };
}
