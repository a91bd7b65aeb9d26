/**
 * Where local datasets live when --data-dir is not given: $FISH_TUNING_DATA, else a `../shared/data`
 * beside the working directory (this project's layout for read-only shared data), else an error that
 * says how to point at local files.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';

/** The local data directory if one is found ($FISH_TUNING_DATA, then ../shared/data), else undefined (loaders may then download). */
export function findDataDir(): string | undefined {
  return [process.env.FISH_TUNING_DATA, path.resolve('..', 'shared', 'data')].find((d): d is string => Boolean(d) && fs.existsSync(d as string));
}

/** The directory holding `<task>/…` data; `sub` (e.g. 'gsm8k') is appended when that folder exists there. */
export function resolveDataDir(flag: string | undefined, sub?: string): string {
  const candidates = flag ? [flag] : [process.env.FISH_TUNING_DATA, path.resolve('..', 'shared', 'data')].filter((d): d is string => Boolean(d));
  for (const dir of candidates) {
    if (!fs.existsSync(dir)) continue;
    if (sub && fs.existsSync(path.join(dir, sub))) return path.join(dir, sub);
    return dir;
  }
  throw new FishTuningError(
    flag ? `'${flag}' does not exist` : `no local data found (tried $FISH_TUNING_DATA and ${path.resolve('..', 'shared', 'data')}); pass --data-dir with the dataset files`,
    { option: '--data-dir' },
  );
}
