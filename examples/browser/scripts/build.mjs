// Bundles src/main.ts (workspace packages from their TypeScript sources, through the models package's
// `browser` entry) and copies index.html into dist/.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
const result = await esbuild.build({
  entryPoints: [path.join(root, 'src/main.ts')],
  outfile: path.join(dist, 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@fish-tuning/source'],
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  metafile: true,
  logLevel: 'warning',
});
fs.copyFileSync(path.join(root, 'src/index.html'), path.join(dist, 'index.html'));
const nodeInputs = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node:'));
if (nodeInputs.length) throw new Error(`the bundle pulls in Node modules: ${nodeInputs.join(', ')}`);
const bytes = fs.statSync(path.join(dist, 'main.js')).size;
console.log(`dist/main.js ${(bytes / 1024).toFixed(0)} KiB, dist/index.html`);
