/**
 * One run per output directory: a lock file holding the owner's pid (a second concurrent run fails with
 * a clear message; a lock left by a dead process is taken over), a refusal to write into a directory
 * that already holds files unless the caller overwrites or resumes, and removal of the temporary
 * checkpoint directories a killed run leaves behind.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';

export const LOCK_NAME = '.fish-tune.lock';

/** What a run writes into its directory (removed by `overwrite`). */
export const RUN_OUTPUTS = [
  'adapter_config.json',
  'adapter_model.safetensors',
  'fish_fisher.safetensors',
  'fish_mask.safetensors',
  'checkpoint',
  'checkpoint.old',
  'best',
  'best.old',
  'log.jsonl',
  'metrics.json',
  'activation-cache',
];

export interface RunDirOptions {
  /** Replace a previous run's outputs (files in RUN_OUTPUTS) instead of refusing a non-empty directory. */
  overwrite?: boolean;
  /** Continue the run in the directory (its files are expected). */
  resume?: boolean;
}

export interface RunDir {
  readonly dir: string;
  /** Removes the lock (idempotent). */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file, or explains who holds it; a stale lock (dead pid, unreadable) is taken over. */
function takeLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new FishTuningError(`another run (pid ${pid}) is writing to this directory; wait for it or choose another output directory (remove ${LOCK_NAME} only if that process is not a fish-tune run)`, { file: path.dirname(file), option: 'outDir' });
    }
    fs.rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new FishTuningError('could not take the lock', { file, option: 'outDir' });
}

/** Removes `<name>.tmp-<pid>` checkpoint directories of processes other than this one (the lock makes them stale). */
export function removeStaleTemp(dir: string): string[] {
  const removed: string[] = [];
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const m = /^(?:checkpoint|best)\.tmp-(\d+)$/.exec(entry);
    if (m && Number(m[1]) !== process.pid) {
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      removed.push(entry);
    }
  }
  return removed;
}

/**
 * Prepares `dir` for one run: creates it, locks it, and then either checks it is empty (ignoring the
 * lock), removes a previous run's outputs (`overwrite`), or keeps them (`resume`). Stale temporary
 * checkpoint directories are removed in every case.
 */
export function openRunDir(dir: string, options: RunDirOptions = {}): RunDir {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, LOCK_NAME);
  takeLock(lock);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if (Number.parseInt(fs.readFileSync(lock, 'utf8'), 10) === process.pid) fs.rmSync(lock, { force: true });
    } catch {
      /* already gone */
    }
  };
  try {
    removeStaleTemp(dir);
    if (!options.resume) {
      const present = fs.readdirSync(dir).filter((f) => f !== LOCK_NAME);
      if (present.length && !options.overwrite) {
        throw new FishTuningError(`not empty (${present.slice(0, 4).join(', ')}${present.length > 4 ? ', …' : ''}); overwrite it, resume the run in it, or choose another directory`, { file: dir, option: 'outDir' });
      }
      if (options.overwrite) for (const f of RUN_OUTPUTS) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    }
  } catch (e) {
    release();
    throw e;
  }
  return { dir, release };
}
