import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasShared, sharedPath } from '@fish-tuning/test-utils';
import { runCli } from '../src/program.js';

const MODEL = sharedPath('models', 'stories260K');

/** The indented greedy-output block of the model's README (one line per indented line). */
function documentedText(): string {
  const readme = readFileSync(sharedPath('models', 'stories260K', 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith('    Once upon a time'));
  const block: string[] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('    '); i++) block.push(lines[i].slice(4));
  return block.join('\n');
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe.skipIf(!hasShared('models', 'stories260K'))('fish-tune generate (stories260K)', () => {
  test('greedy from BOS prints exactly the text documented in the README (105 tokens)', async () => {
    const doc = documentedText();
    expect(doc.length).toBeGreaterThan(200);
    const { code, out, err } = await run(['generate', '--model', MODEL, '--max-new-tokens', '105', '--temperature', '0']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(doc + '\n');
  });

  test('the default 80 tokens print a prefix of the documented text', async () => {
    const { code, out } = await run(['generate', '--model', MODEL]);
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(150);
    expect(documentedText().startsWith(out.slice(0, -1))).toBe(true);
  });

  test('bad options and paths are reported by name', async () => {
    const bad = await run(['generate', '--model', MODEL, '--max-new-tokens', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("option '--max-new-tokens'");
    const missing = await run(['generate', '--model', '/nonexistent/model']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('/nonexistent/model');
  });
});
