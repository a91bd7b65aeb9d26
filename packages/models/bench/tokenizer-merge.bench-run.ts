/**
 * The llama2.c tokenizer's priority-queue merge vs the rescan-after-every-merge loop it replaced, on
 * stories260K's tok512.bin: prints seconds for each and the ratio, measured in one run (no assertion).
 * Run: pnpm exec vitest run --config packages/models/bench/vitest.bench.config.ts
 */
import { test } from 'vitest';
import * as fs from 'node:fs';
import { sharedPath } from '@fish-tuning/test-utils';
import { Llama2cTokenizer } from '../src/index.js';

function scanEncode(tok: Llama2cTokenizer, text: string): number[] {
  const lookup = new Map<string, number>();
  tok.pieces.forEach((p, i) => (lookup.has(p) ? undefined : lookup.set(p, i)));
  const ids: number[] = [];
  for (const ch of ' ' + text) {
    const id = lookup.get(String.fromCharCode(...new TextEncoder().encode(ch)));
    ids.push(id ?? tok.unkId);
  }
  for (;;) {
    let bestScore = -Infinity;
    let bestId = -1;
    let bestAt = -1;
    for (let i = 0; i + 1 < ids.length; i++) {
      const id = lookup.get(tok.pieces[ids[i]] + tok.pieces[ids[i + 1]]);
      if (id !== undefined && tok.scores[id] > bestScore) {
        bestScore = tok.scores[id];
        bestId = id;
        bestAt = i;
      }
    }
    if (bestAt < 0) break;
    ids.splice(bestAt, 2, bestId);
  }
  return ids;
}

test('tokenizer merge: queue vs scan', () => {
  const tok = Llama2cTokenizer.fromBytes(new Uint8Array(fs.readFileSync(sharedPath('models', 'stories260K', 'tok512.bin'))));
  const sentence = 'Once upon a time, there was a little girl named Lily. She liked to play outside in the sun. ';
  for (const chars of [2_000, 8_000, 32_000]) {
    const text = sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars);
    let t0 = performance.now();
    const a = tok.encode(text);
    const queue = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const b = scanEncode(tok, text);
    const scan = (performance.now() - t0) / 1000;
    console.log(`${chars} chars: queue ${queue.toFixed(3)} s, scan ${scan.toFixed(2)} s, scan/queue ${(scan / queue).toFixed(0)}×, same ids: ${JSON.stringify(a) === JSON.stringify(b)}`);
  }
}, 600_000);
