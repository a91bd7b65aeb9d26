/**
 * The pinned Python reference environment (torch, transformers, peft, safetensors) that
 * `interop/setup.sh` builds and caches outside the repository.
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The venv directory: $FISH_PYREF, else ~/.cache/fish-tuning/pyref (XDG_CACHE_HOME respected). */
export function pyrefDir(): string {
  if (process.env.FISH_PYREF) return process.env.FISH_PYREF;
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'fish-tuning', 'pyref');
}

/** The venv's interpreter, or null when the venv has not been built (run `bash interop/setup.sh`). */
export function pyrefPython(): string | null {
  const bin = path.join(pyrefDir(), 'bin', 'python');
  return fs.existsSync(bin) ? bin : null;
}
