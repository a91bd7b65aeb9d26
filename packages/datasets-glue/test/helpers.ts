/**
 * Test helpers: where the shared data lives, MANIFEST.tsv as a map, and a tiny character-level
 * tokenizer implementing TextTokenizer (no model needed).
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TextTokenizer } from '@fish-tuning/core';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';

/** `path.resolve(repoRoot, '../shared/data')`. */
export const dataDir = sharedPath('data');
export const hasData = hasShared('data', 'MANIFEST.tsv');
export const skipReason = `shared data not found at ${dataDir} (expected ../shared/data next to the repo root); skipping`;
if (!hasData) console.warn(skipReason);

export interface ManifestRow {
  path: string;
  rows: number | undefined;
  bytes: number;
  sha256: string;
}

/** MANIFEST.tsv keyed by path (relative to data/). */
export function readManifest(): Map<string, ManifestRow> {
  const lines = readFileSync(path.join(dataDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, ManifestRow>();
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    const rows = f[col('rows')];
    out.set(f[col('path')], {
      path: f[col('path')],
      rows: rows === '' ? undefined : Number(rows),
      bytes: Number(f[col('bytes')]),
      sha256: f[col('sha256')],
    });
  }
  return out;
}

const SPECIALS = ['<pad>', '<s>', '</s>', '[CLS]', '[SEP]', '<unk>'];
const OFFSET = SPECIALS.length;

/** One id per UTF-16 code unit, shifted past six special ids (pad 0, bos 1, eos 2, cls 3, sep 4, unk 5). */
export function charTokenizer(): TextTokenizer {
  return {
    vocabSize: 0x10000 + OFFSET,
    padId: 0,
    bosId: 1,
    eosId: 2,
    clsId: 3,
    sepId: 4,
    unkId: 5,
    encode: (text) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i) + OFFSET),
    decode: (ids, options = {}) =>
      ids
        .map((id) => (id < OFFSET ? (options.skipSpecialTokens ? '' : SPECIALS[id]) : String.fromCharCode(id - OFFSET)))
        .join(''),
  };
}
