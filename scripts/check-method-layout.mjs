#!/usr/bin/env node
/**
 * Checks that the six PEFT method packages have the same layout, so that knowing one is knowing all
 * (PEFT's tuners/<method>/{config,layer,model}): the same src/ files, the same exported function names
 * (by method token: loraConfig / ia3Config / …) from the same files, and the same package entries.
 *
 *   node scripts/check-method-layout.mjs [repo root]     exit 1 and one line per problem when they differ
 *
 * Run by packages/conformance/test/layout.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Method package → the token in its function names. */
export const METHODS = { lora: 'Lora', dora: 'Dora', ia3: 'Ia3', adapter: 'Adapter', prefix: 'Prefix', unipelt: 'Unipelt' };

/** Every method package has exactly these files in src/ (plus its documented extras). */
export const FILES = ['config.ts', 'layer.ts', 'inject.ts', 'count.ts', 'merge.ts', 'tuner.ts', 'node.ts', 'index.ts'];

/** Method-specific helpers, one idea per file; nothing else may sit beside the common files. */
export const EXTRAS = {
  lora: { 'init.ts': 'Kaiming/Gaussian inits', 'pissa.ts': 'PiSSA init', 'svd.ts': 'the SVDs PiSSA needs', 'lanczos.ts': 'the Lanczos truncated SVD (svd.ts uses it above 128)' },
  dora: { 'lori.ts': 'the LoRI baseline (masks over LoRA/DoRA adapters)' },
  unipelt: { 'gate.ts': "UniPELT's gate module" },
};

/** The functions every package exports, and the file each comes from ('m'/'M' = lower/upper token). */
export const FUNCTIONS = [
  ['mConfig', 'config'],
  ['mConfigFromJson', 'config'],
  ['injectM', 'inject'],
  ['countM', 'count'],
  ['mergeM', 'merge'],
  ['unmergeM', 'merge'],
  ['mTuner', 'tuner'],
  ['registerM', 'tuner'],
];
export const NODE_FUNCTIONS = ['loadMAdapter', 'saveMAdapter'];

function named(pattern, token) {
  const lower = token[0].toLowerCase() + token.slice(1);
  return pattern.replace(/^m(?=[A-Z])/, lower).replace(/M(?=[A-Z]|$)/, token);
}

/** `export { a, b as c, type T } from './x.js'` → Map(name → './x.js'); `export function f` / `export const f` → Map(f → '.'). */
export function exportsOf(source) {
  const out = new Map();
  for (const m of source.matchAll(/export\s*(type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    if (m[1]) continue;
    for (const part of m[2].split(',')) {
      const item = part.trim();
      if (!item || item.startsWith('type ')) continue;
      const name = item.split(/\s+as\s+/).pop().trim();
      out.set(name, m[3]);
    }
  }
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const|class)\s+([A-Za-z0-9_$]+)/g)) out.set(m[1], '.');
  return out;
}

/** Every difference from the common layout, one line each; empty when all six packages agree. */
export function checkLayout(root) {
  const problems = [];
  for (const [pkg, token] of Object.entries(METHODS)) {
    const dir = path.join(root, 'packages', pkg);
    const src = path.join(dir, 'src');
    if (!fs.existsSync(src)) {
      problems.push(`${pkg}: no src/ folder`);
      continue;
    }
    const have = fs.readdirSync(src).filter((f) => !f.startsWith('.'));
    const allowed = new Set([...FILES, ...Object.keys(EXTRAS[pkg] ?? {})]);
    for (const f of FILES) if (!have.includes(f)) problems.push(`${pkg}: src/${f} is missing`);
    for (const f of have) if (!allowed.has(f)) problems.push(`${pkg}: src/${f} is not one of the common files (${FILES.join(', ')}) nor a documented extra`);
    const index = have.includes('index.ts') ? exportsOf(fs.readFileSync(path.join(src, 'index.ts'), 'utf8')) : new Map();
    for (const [pattern, file] of FUNCTIONS) {
      const name = named(pattern, token);
      const from = index.get(name);
      if (!from) problems.push(`${pkg}: index.ts does not export ${name} (from ./${file}.js)`);
      else if (from !== `./${file}.js`) problems.push(`${pkg}: ${name} comes from ${from}, expected ./${file}.js`);
    }
    const node = have.includes('node.ts') ? exportsOf(fs.readFileSync(path.join(src, 'node.ts'), 'utf8')) : new Map();
    for (const pattern of NODE_FUNCTIONS) {
      const name = named(pattern, token);
      if (!node.has(name)) problems.push(`${pkg}: node.ts does not export ${name}`);
    }
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const source = (entry) => json.exports?.[entry]?.['@fish-tuning/source'];
    if (source('.') !== './src/index.ts') problems.push(`${pkg}: package.json exports["."] should point at ./src/index.ts`);
    if (source('./node') !== './src/node.ts') problems.push(`${pkg}: package.json exports["./node"] should point at ./src/node.ts`);
    if (json.sideEffects !== false) problems.push(`${pkg}: package.json should say "sideEffects": false`);
    const tsup = fs.existsSync(path.join(dir, 'tsup.config.ts')) ? fs.readFileSync(path.join(dir, 'tsup.config.ts'), 'utf8') : '';
    if (!tsup.includes("'src/node.ts'")) problems.push(`${pkg}: tsup.config.ts should build src/node.ts`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLayout(root);
  if (problems.length) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  console.log(`method layout: ${Object.keys(METHODS).length} packages × ${FILES.length} files and ${FUNCTIONS.length + NODE_FUNCTIONS.length} function names agree`);
}
