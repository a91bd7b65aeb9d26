import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeSafetensorsBytes } from '@fish-tuning/core';
import { DiskWriteError, writeFileAtomic, writeJsonFileAtomic, writeSafetensorsFile } from '@fish-tuning/core/node';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'full-'));

/** A small tmpfs when this process may mount one (root on Linux), else null. */
function smallTmpfs(kib: number): { dir: string; unmount: () => void } | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = tmp();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return { dir, unmount: () => void spawnSync('umount', [dir]) };
}

/** The FileHandle class of this Node, whose writeFile a test replaces to inject a write error. */
async function fileHandlePrototype(): Promise<{ writeFile: (...args: unknown[]) => Promise<void> }> {
  const probe = path.join(tmp(), 'probe');
  const h = await fsp.open(probe, 'w');
  const proto = Object.getPrototypeOf(h);
  await h.close();
  return proto;
}

afterEach(() => vi.restoreAllMocks());

describe('writes that the disk refuses', () => {
  for (const code of ['ENOSPC', 'EDQUOT', 'EIO']) {
    it(`${code}: names the file, keeps the old version and leaves no temporary file`, async () => {
      const dir = tmp();
      const file = path.join(dir, 'adapter_model.safetensors');
      await writeSafetensorsFile(file, { w: { shape: [2], data: Float32Array.of(1, 2) } });
      const before = fs.readFileSync(file);
      const proto = await fileHandlePrototype();
      vi.spyOn(proto, 'writeFile').mockImplementation(async () => {
        throw Object.assign(new Error(`${code}: injected`), { code });
      });
      const err = await writeSafetensorsFile(file, { w: { shape: [2], data: Float32Array.of(5, 6) } }).catch((e) => e);
      expect(err).toBeInstanceOf(DiskWriteError);
      expect(err.file).toBe(file);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(new RegExp(`adapter_model\\.safetensors.*could not be written \\(${code}: .*\\); the previous version of this file, if any, is unchanged`));
      expect(err.stack).toBeDefined();
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['adapter_model.safetensors']);
    });
  }

  it('withIntact() says what else is intact (a checkpoint) and keeps the file and code', () => {
    const e = new DiskWriteError('/out/checkpoint.tmp-1/trainable.safetensors', 'ENOSPC').withIntact('the last checkpoint /out/checkpoint is intact');
    expect(e.message).toBe("file '/out/checkpoint.tmp-1/trainable.safetensors': could not be written (ENOSPC: no space left on the device); the last checkpoint /out/checkpoint is intact");
    expect(e.code).toBe('ENOSPC');
  });

  it('a real full file system (small tmpfs): the old file survives and the error names the new one', async () => {
    const fsys = smallTmpfs(64);
    if (!fsys) return console.warn('skipped: cannot mount a tmpfs here (needs root on Linux); the injected-error tests above cover the code path');
    try {
      const file = path.join(fsys.dir, 'state.json');
      await writeJsonFileAtomic(file, { step: 1 });
      // 200 KB cannot fit in 64 KiB next to the old file.
      const big = writeSafetensorsBytes({ w: { shape: [50_000], data: new Float32Array(50_000).fill(1) } });
      const err = await writeFileAtomic(path.join(fsys.dir, 'big.safetensors'), big).catch((e) => e);
      expect(err).toBeInstanceOf(DiskWriteError);
      expect(err.code).toBe('ENOSPC');
      expect(err.message).toMatch(/big\.safetensors.*no space left/);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ step: 1 });
      expect(fs.readdirSync(fsys.dir)).toEqual(['state.json']);
    } finally {
      fsys.unmount();
    }
  });
});
