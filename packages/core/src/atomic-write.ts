/**
 * Atomic file writes, and one clear error when the disk refuses a write. A temporary sibling is
 * written and fsynced, then renamed over the target, so a crash or a full disk leaves either the old
 * file or the new one, never a torn one; the temporary file is removed on failure.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from './errors.js';

/** What the operating system's codes mean to a user, for the write failures one meets in practice. */
const WRITE_FAILURES = new Map<string, string>([
  ['ENOSPC', 'no space left on the device'],
  ['EDQUOT', 'disk quota exceeded'],
  ['EIO', 'input/output error from the device'],
  ['EFBIG', 'file too large for the file system'],
  ['EROFS', 'the file system is read-only'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EMFILE', 'too many open files'],
  ['ENAMETOOLONG', 'file name too long'],
  ['ENOTDIR', 'a parent path is not a directory'],
]);

/** A write the file system refused: names the file, the system code, and that nothing was replaced. */
export class DiskWriteError extends FishTuningError {
  constructor(
    file: string,
    readonly code: string,
    /** What the caller can say is still intact (e.g. "the last checkpoint in out/checkpoint is intact"). */
    readonly intact = 'the previous version of this file, if any, is unchanged',
  ) {
    super(`could not be written (${code}: ${WRITE_FAILURES.get(code) ?? 'write failed'}); ${intact}`, { file });
    this.name = 'DiskWriteError';
  }

  /** The same failure, with a broader statement of what is intact (e.g. a whole checkpoint). */
  withIntact(intact: string): DiskWriteError {
    return new DiskWriteError(this.file!, this.code, intact);
  }
}

export function isDiskWriteError(e: unknown): e is DiskWriteError {
  return e instanceof DiskWriteError;
}

/** Turns an operating-system error from writing `file` into a DiskWriteError; other errors pass through. */
export function asDiskWriteError(e: unknown, file: string): unknown {
  if (e instanceof FishTuningError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new DiskWriteError(file, code) : e;
}

/**
 * Writes `bytes` to `file` atomically (see the module comment). A refused write (disk full, quota,
 * I/O error, read-only) throws a DiskWriteError naming `file`; the target is left as it was.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw asDiskWriteError(e, file);
  }
  // fsync the directory so the rename itself survives a power cut (best effort: not all platforms allow it).
  try {
    const dir = await fsp.open(path.dirname(file), 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
  } catch {
    /* directories cannot be opened on some platforms */
  }
}
