// A tiny static server on 127.0.0.1 for dist/ and, read-only under /model/, a model directory:
//   node scripts/serve.mjs [--model ../../../shared/models/stories260K] [--port 8080]
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dist = path.join(root, 'dist');
const modelDir = flag('model', null) && path.resolve(process.env.INIT_CWD ?? process.cwd(), flag('model'));
const port = Number(flag('port', '8080'));
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('dist/ is empty: run `pnpm --filter @fish-tuning/example-browser build` first');
  process.exit(1);
}
if (modelDir && !fs.statSync(modelDir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`--model ${modelDir}: not a directory`);
  process.exit(1);
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.json': 'application/json' };

/** The file `pathname` names inside `dir`, or null (no escaping the directory, no listings). */
function inside(dir, pathname) {
  const file = path.resolve(dir, '.' + pathname);
  if (file !== dir && !file.startsWith(dir + path.sep)) return null;
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
}

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
  const file = pathname.startsWith('/model/')
    ? modelDir && inside(modelDir, pathname.slice('/model'.length))
    : inside(dist, pathname === '/' ? '/index.html' : pathname);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': fs.statSync(file).size });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${port}/  (dist: ${dist}${modelDir ? `; /model/ → ${modelDir}` : '; no --model given'})`);
});
