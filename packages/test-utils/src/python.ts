/**
 * Independent references: run a Python snippet (NumPy / PyTorch) and read the JSON it prints.
 * Tests that need it skip with a message when python3 lacks the modules.
 * @module
 */
import { spawnSync } from 'node:child_process';

/**
 * The interpreter for references: $FISH_PYTHON, else Debian's /usr/bin/python3 (where apt's
 * python3-torch and python3-numpy live, see .ci/run), else python3 on PATH.
 */
export function pythonBin(): string {
  if (process.env.FISH_PYTHON) return process.env.FISH_PYTHON;
  return spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/python3' : 'python3';
}

/** True when `python -c "import <modules>"` succeeds (`python` defaults to pythonBin()). */
export function pythonHas(...modules: string[]): boolean {
  return interpreterHas(pythonBin(), ...modules);
}

/** True when `<python> -c "import <modules>"` succeeds. */
export function interpreterHas(python: string, ...modules: string[]): boolean {
  const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Runs `code` with `input` as JSON on stdin (available as the variable `INPUT`) and parses the last
 * stdout line as JSON. Errors carry Python's stderr.
 */
export function runPython<T = any>(code: string, input: unknown = null, timeoutMs = 600_000, python = pythonBin()): T {
  const prelude = 'import json, sys\nINPUT = json.loads(sys.stdin.read() or "null")\n';
  const r = spawnSync(python, ['-c', prelude + code], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`python reference failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
