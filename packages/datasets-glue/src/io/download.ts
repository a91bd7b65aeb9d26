/**
 * Downloads a GLUE split as Parquet from the Hugging Face Hub (`nyu-mll/glue`) into a cache
 * directory (Node only), checking its sha256. The cache uses the same `<task>/<split>.parquet` layout that
 * {@link loadGlue} reads, so a cache directory is also a valid `dataDir`.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import { writeFileAtomic } from '@fish-tuning/core/node';
import type { GlueSplit } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';

/** Base URL of the HF `glue` dataset repository's main branch. */
export const GLUE_HUB_BASE_URL = 'https://huggingface.co/datasets/nyu-mll/glue/resolve/main';

/**
 * sha256 of Hub files known in advance (RTE: equal to the Hub's LFS oids, verified against a byte
 * copy). For other files the Hub's `X-Linked-Etag` header (the LFS sha256) is used.
 */
export const GLUE_KNOWN_SHA256: Readonly<Record<string, string>> = Object.freeze({
  'rte/train-00000-of-00001.parquet': 'a6252ab17015d718f6de1effe0980f7b158df63e3d16207cd8bd396b608e5147',
  'rte/validation-00000-of-00001.parquet': 'fb2aa2e04f551133ba663617a15ae133dc22b0f6a969bc0629b5ea6003ee9cf8',
  'rte/test-00000-of-00001.parquet': '3f44aadbfb8bbb7a64ba0674bd26ff77b66e88fdf7a6d64255a5ba6ae9057383',
});

export interface GlueDownloadOptions {
  /** Cache root; default `$FISH_TUNING_CACHE/glue` or `~/.cache/fish-tuning/glue`. */
  cacheDir?: string;
  /** Expected sha256, overriding the known table and the Hub's header. */
  sha256?: string;
  /** fetch implementation (tests pass a stub); default the global fetch. */
  fetch?: typeof fetch;
  /** Hub base URL; default {@link GLUE_HUB_BASE_URL}. */
  baseUrl?: string;
}

/** The default cache directory for GLUE downloads. */
export function defaultGlueCacheDir(): string {
  const root = process.env.FISH_TUNING_CACHE ?? join(homedir(), '.cache', 'fish-tuning');
  return join(root, 'glue');
}

/** Hub path of one split, e.g. `sst2/validation-00000-of-00001.parquet`. */
export function glueHubPath(spec: GlueTaskSpec, split: GlueSplit): string {
  return `${spec.name}/${split}-00000-of-00001.parquet`;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function offlineError(url: string, spec: GlueTaskSpec, split: GlueSplit, cause: string): FishTuningError {
  return new FishTuningError(
    `could not download ${url} (${cause}). If you are offline, point at local files instead: ` +
      `pass dataDir (CLI: --data-dir <dir>) where <dir>/${spec.name}/${split}.jsonl or ` +
      `<dir>/${spec.name}/${split}.parquet or <dir>/${spec.name}/glue-tsv/*.tsv exists`,
    { option: 'dataDir' },
  );
}

/** Reads the LFS sha256 the Hub reports for `url` without following the redirect. */
async function hubSha256(doFetch: typeof fetch, url: string): Promise<string | undefined> {
  const head = await doFetch(url, { method: 'HEAD', redirect: 'manual' });
  const tag = (head.headers.get('x-linked-etag') ?? head.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  return /^[0-9a-f]{64}$/.test(tag) ? tag : undefined;
}

/**
 * Path of the cached Parquet file for `split`, downloading it first when absent or when its
 * recorded checksum does not match. Throws a FishTuningError naming `dataDir` when the network
 * fails, and naming the file when the checksum is wrong or cannot be established.
 */
export async function downloadGlueSplit(
  spec: GlueTaskSpec,
  split: GlueSplit,
  options: GlueDownloadOptions = {},
): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultGlueCacheDir();
  const file = join(cacheDir, spec.name, `${split}.parquet`);
  const sidecar = `${file}.sha256`;
  if (existsSync(file) && existsSync(sidecar)) {
    const want = (await readFile(sidecar, 'utf8')).trim();
    if (sha256Hex(await readFile(file)) === want) return file;
  }
  const hubPath = glueHubPath(spec, split);
  const url = `${options.baseUrl ?? GLUE_HUB_BASE_URL}/${hubPath}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  let bytes: Uint8Array | undefined;
  let expected: string | undefined = options.sha256 ?? GLUE_KNOWN_SHA256[hubPath];
  try {
    expected ??= await hubSha256(doFetch, url);
    const res = await doFetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw offlineError(url, spec, split, (e as Error).message);
  }
  if (!expected) {
    throw new FishTuningError(`no sha256 known for ${url}; pass sha256 explicitly or use local files (dataDir)`, {
      file,
    });
  }
  const got = sha256Hex(bytes as Uint8Array);
  if (got !== expected) {
    throw new FishTuningError(`sha256 mismatch for ${url}: expected ${expected}, got ${got}`, { file });
  }
  await writeFileAtomic(file, bytes as Uint8Array);
  await writeFileAtomic(sidecar, `${got}\n`);
  return file;
}
