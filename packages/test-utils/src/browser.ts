/**
 * Runs a TypeScript entry in headless Chromium with WebGPU (Debian's chromium, SwiftShader adapter):
 * bundles it with esbuild (workspace packages from source), serves it on 127.0.0.1, and returns what
 * the page assigns to `window.__fishResult` (a promise of JSON-able data). Never downloads a browser.
 * Optionally serves read-only directories (e.g. a model) under URL prefixes.
 * @module
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export const CHROMIUM_PATH = process.env.FISH_CHROMIUM ?? '/usr/bin/chromium';

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export interface RunInChromiumOptions {
  timeoutMs?: number;
  /** URL prefix (e.g. '/model/') → directory whose files are served read-only under it (GET only, no listing). */
  serve?: Record<string, string>;
}

/** The file under one of `serve`'s directories that `url` names, or null (never escapes the directory). */
function servedFile(url: string, serve: Record<string, string>): string | null {
  const pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  for (const [prefix, dir] of Object.entries(serve)) {
    if (!pathname.startsWith(prefix)) continue;
    const root = path.resolve(dir);
    const file = path.resolve(root, pathname.slice(prefix.length));
    if (!file.startsWith(root + path.sep)) return null;
    return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
  }
  return null;
}

export async function runInChromium<T = unknown>(entry: string, options: number | RunInChromiumOptions = {}): Promise<T> {
  const { timeoutMs = 240_000, serve = {} } = typeof options === 'number' ? { timeoutMs: options } : options;
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@fish-tuning/source'],
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0].text;
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/entry.js"></script>';
  const server = http.createServer((req, res) => {
    const file = Object.keys(serve).length ? servedFile(req.url ?? '/', serve) : null;
    if (req.url === '/entry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    } else if (Object.keys(serve).some((prefix) => (req.url ?? '').startsWith(prefix))) {
      res.writeHead(404);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const browser = await launchChromium();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as any).__fishResult !== undefined, undefined, { timeout: timeoutMs });
    const result = await page.evaluate(async () => {
      try {
        return { ok: true, value: await (window as any).__fishResult };
      } catch (e) {
        return { ok: false, value: String((e as Error)?.stack ?? e) };
      }
    });
    if (!result.ok) throw new Error(`browser entry failed: ${result.value}\n${errors.join('\n')}`);
    return result.value as T;
  } finally {
    await browser.close();
    server.close();
  }
}

export interface LaunchChromiumOptions {
  /** WebGPU on (`--enable-unsafe-webgpu`, the default) or off (`--disable-features=WebGPU`, to test fallbacks). */
  webgpu?: boolean;
  viewport?: { width: number; height: number };
}

/**
 * Headless Debian Chromium in a fresh temporary profile (removed on close), downloads accepted. Playwright
 * refuses `--user-data-dir` in args, so the profile is a persistent context's directory.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<import('playwright-core').BrowserContext> {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    acceptDownloads: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: [
      options.webgpu === false ? '--disable-features=WebGPU' : '--enable-unsafe-webgpu',
      '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  context.on('close', () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // Chromium may still be writing into its profile as it exits; a leftover temp dir is harmless.
    }
  });
  return context;
}
