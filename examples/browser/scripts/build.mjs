// pnpm --filter @fish-tuning/example-browser build [-- --minify]  →  examples/browser/dist/
import { buildPage } from './page.mjs';

const { outdir, bytes } = await buildPage({ minify: process.argv.includes('--minify') });
console.log(`${outdir}: main.js ${(bytes / 1024).toFixed(0)} KiB, index.html, tfjs-backend-wasm*.wasm`);
