/**
 * `fish-tune fisher` for every method (the addition methods included) and from text data (`--task`).
 * Values are checked against what they must be whatever the implementation: one f32 tensor per
 * trainable parameter, PEFT-named, same shape, finite, non-negative, and not all zero.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSafetensorsFile } from '@fish-tuning/core/node';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { cli } from './run.js';

const MODEL = sharedPath('models', 'stories260K');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fisher-methods-'));

describe.skipIf(!hasShared('models', 'stories260K') || !hasShared('data', 'gsm8k'))('fish-tune fisher for every method, from GSM8K text', () => {
  for (const [method, extra] of [
    ['adapter', ['--layers', 'top:2']],
    ['unipelt', ['--layers', 'top:1', '--virtual-tokens', '4']],
    ['prefix', ['--layers', 'top:2', '--virtual-tokens', '4']],
    ['ia3', []],
  ] as const) {
    it(`${method}: one finite, non-negative Fisher tensor per parameter`, async () => {
      const out = path.join(tmp, `${method}.safetensors`);
      const { code, err } = await cli(['fisher', '--model', MODEL, '--method', method, ...extra, '--task', 'gsm8k', '--data-dir', sharedPath('data'), '--fisher-samples', '3', '--order', 'first', '--out', out]);
      expect(code, err).toBe(0);
      const { tensors, metadata } = await readSafetensorsFile(out);
      expect(tensors.size).toBeGreaterThan(0);
      expect(metadata.data).toBe('gsm8k');
      let positive = 0;
      for (const [name, t] of tensors) {
        expect(t.dtype, name).toBe('F32');
        for (const v of t.data) {
          expect(Number.isFinite(v) && v >= 0, `${name}: ${v}`).toBe(true);
          if (v > 0) positive++;
        }
      }
      expect(positive).toBeGreaterThan(0);
    });
  }

  it('names --data when neither or both of --data and --task are given', async () => {
    const { code, err } = await cli(['fisher', '--model', MODEL, '--method', 'lora', '--out', path.join(tmp, 'x.safetensors')]);
    expect(code).toBe(2);
    expect(err).toMatch(/--data.*exactly one of --data/);
  });
});
