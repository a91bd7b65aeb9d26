/** scripts/setup-native.mjs: idempotent when set up, and a clear message (no stack) when a prerequisite is missing. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '@fish-tuning/test-utils';
import { nativeSetUp } from './native-available.js';

const SCRIPT = path.join(repoRoot(), 'scripts', 'setup-native.mjs');
const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('setup-native', () => {
  it('without pip: names what is missing, changes nothing, and exits 0 only with --if-possible', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-native-'));
    try {
      const env = { PATH: '/nonexistent', PYTHON: '', FISH_TUNING_CACHE: cache };
      const strict = run(['--force'], env);
      expect(strict.status).toBe(1);
      expect(strict.stderr).toMatch(/setup-native: Python's pip was not found.*wasm backend/);
      expect(strict.stderr).not.toMatch(/\n\s+at /);
      const lenient = run(['--force', '--if-possible'], env);
      expect(lenient.status).toBe(0);
      expect(lenient.stderr).toMatch(/continuing without it: fish-tune uses the wasm backend/);
      expect(fs.readdirSync(path.join(cache, 'native', 'tf-2.21.0-cpu'))).toEqual([]);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('rejects unknown options by name', () => {
    const r = run(['--cuda'], {});
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --cuda; accepted: --gpu, --force, --if-possible/);
  });

  it.runIf(nativeSetUp())('a second run finds everything in place and only checks that the addon loads', () => {
    const r = run([], {});
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/already set up: .*tfjs_binding\.node loads libtensorflow 2\.21\./);
    expect(r.stdout).not.toMatch(/downloading|building/);
  });
});
