/**
 * Runs a TypeScript entry in headless Chromium with WebGPU (Debian's chromium, SwiftShader adapter):
 * bundles it with esbuild (workspace packages from source), serves it on 127.0.0.1, and returns what
 * the page assigns to `window.__fishResult` (a promise of JSON-able data). Never downloads a browser.
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

export async function runInChromium<T = unknown>(entry: string, timeoutMs = 240_000): Promise<T> {
  const esbuild = await import('esbuild');
  const { chromium } = await import('playwright-core');
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
    if (req.url === '/entry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fish-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
