/**
 * The llama2.c tokenizer's priority-queue merge vs the rescan-after-every-merge loop it replaced, on
 * stories260K's tok512.bin: prints seconds for each and the ratio, measured in one run (no assertion).
 * Run: pnpm exec vitest run --config packages/models/bench/vitest.bench.config.ts
 */
import { test } from 'vitest';
import * as fs from 'node:fs';
import { sharedPath } from '@fish-tuning/test-utils';
import { Llama2cTokenizer } from '../src/index.js';
import { scanEncode } from '../test/tokenizer-scan-oracle.js';

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
