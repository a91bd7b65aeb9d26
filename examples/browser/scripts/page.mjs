// The page's build and its read-only static server, as functions shared by build.mjs, serve.mjs and the tests.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(root, '../..');

/** The files the page serves besides dist/ by default: stories260K, MiniLM, GLUE data (all read-only). */
export const defaultMounts = {
  '/model/': path.resolve(repo, '../shared/models/stories260K'),
  '/minilm/': path.resolve(repo, '.cache/models/all-MiniLM-L6-v2'),
  '/data/': path.resolve(repo, '../shared/data'),
};

/**
 * Bundles src/main.ts (workspace packages from their TypeScript sources, browser entries) into `outdir`
 * with index.html and tfjs' WebAssembly binaries (the fallback backend fetches them next to the page).
 * Fails when the bundle pulls in a Node built-in.
 */
export async function buildPage({ outdir = path.join(root, 'dist'), minify = false } = {}) {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src/main.ts')],
    outfile: path.join(outdir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@fish-tuning/source'],
    sourcemap: true,
    minify,
    metafile: true,
    logLevel: 'warning',
  });
  const nodeInputs = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node:') || /^(fs|path|os|crypto|url|stream)$/.test(f));
  if (nodeInputs.length) throw new Error(`the bundle pulls in Node modules: ${nodeInputs.join(', ')}`);
  fs.copyFileSync(path.join(root, 'src/index.html'), path.join(outdir, 'index.html'));
  const wasmPkg = createRequire(path.join(repo, 'packages/backend-wasm/package.json')).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const wasmDir = path.join(path.dirname(wasmPkg), 'dist');
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(outdir, f));
  return { outdir, bytes: fs.statSync(path.join(outdir, 'main.js')).size };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.wasm': 'application/wasm',
};

/** The file `pathname` names inside `dir`, or null (no escaping the directory, no listings). */
function inside(dir, pathname) {
  const file = path.resolve(dir, '.' + pathname);
  if (file !== dir && !file.startsWith(dir + path.sep)) return null;
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
}

/**
 * A GET-only server on 127.0.0.1 for `dist` and read-only directories under URL prefixes (`mounts`).
 * Resolves to { server, url }; port 0 picks a free one.
 */
export function startServer({ dist = path.join(root, 'dist'), mounts = defaultMounts, port = 8080 } = {}) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const mount = Object.keys(mounts).find((prefix) => pathname.startsWith(prefix));
    const file = mount
      ? mounts[mount] && inside(mounts[mount], pathname.slice(mount.length - 1))
      : inside(dist, pathname === '/' ? '/index.html' : pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': fs.statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}
