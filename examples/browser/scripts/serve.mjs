// Serves dist/ and, read-only under /model/, /minilm/ and /data/, the models and data the page uses:
//   node scripts/serve.mjs [--port 8080] [--model DIR] [--minilm DIR] [--data DIR]
// Defaults: ../shared/models/stories260K, .cache/models/all-MiniLM-L6-v2 and ../shared/data from the repo root;
// relative paths are taken from where you ran pnpm.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultMounts, root, startServer } from './page.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dist = path.join(root, 'dist');
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('dist/ is empty: run `pnpm --filter @fish-tuning/example-browser build` first');
  process.exit(1);
}
const mounts = { ...defaultMounts };
for (const [name, prefix] of [['model', '/model/'], ['minilm', '/minilm/'], ['data', '/data/']]) {
  const given = flag(name);
  if (given !== undefined) mounts[prefix] = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
  if (!fs.statSync(mounts[prefix], { throwIfNoEntry: false })?.isDirectory()) {
    console.warn(`--${name} ${mounts[prefix]}: not a directory; ${prefix} will answer 404 (pick the files in the page instead)`);
    mounts[prefix] = null;
  }
}
const port = Number(flag('port') ?? '8080');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port ${flag('port')}: expected a port number`);
  process.exit(1);
}
const { url } = await startServer({ dist, mounts, port });
console.log(`${url}  (dist: ${dist})`);
for (const [prefix, dir] of Object.entries(mounts)) console.log(`  ${prefix} → ${dir ?? '(none)'}`);
