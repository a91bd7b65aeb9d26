/**
 * `fish-tune eval` with (IA)^3 and Prefix adapters in PEFT format (issue: addition methods), and with
 * `--task gsm8k` (generation end to end). The references are independent: a PyTorch forward that reads
 * the llama2.c .bin and the adapter safetensors itself, and the GSM8K answers parsed here from the JSONL.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '@fish-tuning/core';
import { saveAdapter } from '@fish-tuning/core/node';
import { loadLlama2c } from '@fish-tuning/models';
import { ia3Config, injectIa3 } from '@fish-tuning/ia3';
import { injectPrefix, prefixConfig } from '@fish-tuning/prefix';
import { expectAllClose, hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { LLAMA2C_REFERENCE } from '../../prefix/test/reference.js';
import { cli } from './run.js';

const MODEL = sharedPath('models', 'stories260K');


describe.skipIf(!hasShared('models', 'stories260K') || !pythonHas('torch'))('fish-tune eval with (IA)^3 and Prefix adapters', () => {
  const ids = [
    [1, 403, 407, 261, 378, 237, 300],
    [1, 60, 70, 80, 90, 100, 110],
  ];
  const makers = {
    ia3: (m: any) => injectIa3(m, ia3Config({ init_ia3_weights: false }, m)),
    prefix: (m: any) => injectPrefix(m, prefixConfig({ num_virtual_tokens: 30 }, m), new Rng(5)),
  };
  for (const [method, make] of Object.entries(makers)) {
    it(`${method}: mean per-example loss equals an independent PyTorch forward (≤1e-4)`, async () => {
      const { model } = await loadLlama2c(MODEL);
      const adapter = make(model);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eval-${method}-`));
      await saveAdapter(dir, adapter);
      adapter.dispose();
      model.dispose();
      const data = path.join(dir, 'rows.jsonl');
      fs.writeFileSync(data, ids.map((r) => JSON.stringify({ input_ids: r })).join('\n') + '\n');
      const { code, out, err } = await cli(['eval', '--model', MODEL, '--init-adapter', dir, '--data', data, '--json']);
      expect(code, err).toBe(0);
      const report = JSON.parse(out);
      const ref = runPython<{ loss: number[] }>(LLAMA2C_REFERENCE, { bin: path.join(MODEL, 'stories260K.bin'), adapter_dir: dir, ids });
      const refMean = ref.loss.reduce((a, b) => a + b, 0) / ref.loss.length;
      expectAllClose([report.mean_loss], [refMean], 1e-4, 0, `${method} mean loss`);
      expect(report.tokens).toBe(2 * 6);
    });
  }
});

describe.skipIf(!hasShared('models', 'stories260K') || !hasShared('data', 'gsm8k'))('fish-tune eval --task gsm8k', () => {
  it('generates, extracts answers and scores them against the references in the file', async () => {
    const { code, out, err } = await cli(['eval', '--model', MODEL, '--task', 'gsm8k', '--split', 'test', '--limit', '3', '--max-new-tokens', '24', '--data-dir', sharedPath('data'), '--json']);
    expect(code, err).toBe(0);
    const report = JSON.parse(out);
    const rows = fs.readFileSync(sharedPath('data', 'gsm8k', 'test.jsonl'), 'utf8').trim().split('\n').slice(0, 3).map((l) => JSON.parse(l));
    const references = rows.map((r) => Number(r.answer.split('####').pop().trim().replace(/,/g, '')));
    expect(report.examples).toBe(3);
    expect(report.results.map((r: any) => r.reference)).toEqual(references);
    for (const r of report.results) expect(r.correct).toBe(r.predicted !== null && r.predicted === r.reference);
    expect(report.correct).toBe(report.results.filter((r: any) => r.correct).length);
    expect(report.accuracy).toBe(report.correct / 3);
  });

  it('names the flag for a bad --few-shot and a missing data directory', async () => {
    const bad = await cli(['eval', '--model', MODEL, '--task', 'gsm8k', '--few-shot', '9', '--data-dir', sharedPath('data')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--few-shot/);
    const missing = await cli(['eval', '--model', MODEL, '--task', 'gsm8k', '--data-dir', '/nonexistent/fish']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--data-dir.*does not exist/);
  });
});
