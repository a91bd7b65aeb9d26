import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FishTuningError } from '@fish-tuning/core';
import { glueTask } from '../src/index.js';
import { downloadGlueSplit, loadGlue } from '../src/node-entry.js';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'glue-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed (getaddrinfo ENOTFOUND huggingface.co)');
};

describe('offline', () => {
  it('loadGlue without dataDir says how to point at local files', async () => {
    const err = await loadGlue({ task: 'sst2', split: 'validation', cacheDir, fetch: offline }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FishTuningError);
    expect((err as FishTuningError).option).toBe('dataDir');
    expect((err as Error).message).toMatch(/could not download https:\/\/huggingface\.co\/datasets\/nyu-mll\/glue\/resolve\/main\/sst2\/validation-00000-of-00001\.parquet/);
    expect((err as Error).message).toMatch(/--data-dir/);
    expect((err as Error).message).toMatch(/ENOTFOUND/);
  });

  it('an HTTP error is reported the same way, and nothing is cached', async () => {
    const notFound: typeof fetch = async () => new Response('nope', { status: 404 });
    await expect(downloadGlueSplit(glueTask('rte'), 'train', { cacheDir, fetch: notFound })).rejects.toThrow(/HTTP 404.*--data-dir/);
  });

  it('a checksum mismatch is rejected', async () => {
    const wrong: typeof fetch = async () => new Response(new Uint8Array([1, 2, 3]));
    await expect(downloadGlueSplit(glueTask('rte'), 'train', { cacheDir, fetch: wrong })).rejects.toThrow(/sha256 mismatch/);
  });

  it('a missing local file names the paths tried', async () => {
    await expect(loadGlue({ task: 'cola', split: 'train', dataDir: cacheDir })).rejects.toThrow(
      /option 'dataDir'.*no jsonl, parquet or tsv file for cola\/train; tried .*cola\/train\.jsonl/,
    );
  });
});
