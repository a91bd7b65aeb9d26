/** WebGPU (headless Chromium, SwiftShader) vs the cpu backend in Node on every conformance op case. */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { CHROMIUM_PATH, OP_CASES, disagreements, hasChromium, runAllCases, runInChromium } from '@fish-tuning/test-utils';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('backend conformance: webgpu vs cpu', () => {
  it(`agrees on all ${OP_CASES.length} op cases and their gradients`, async () => {
    if (!hasChromium()) return console.warn(`skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set FISH_CHROMIUM)`);
    const browser = await runInChromium<{ backend: string; results: Array<{ name: string; outputs: number[][] }> }>(path.join(here, 'conformance-entry.ts'));
    expect(browser.backend).toBe('webgpu');
    const reference = await runAllCases('cpu');
    await tf.setBackend('wasm');
    const got = browser.results.map((r) => ({ name: r.name, outputs: r.outputs.map((o) => Float32Array.from(o)) }));
    expect(got).toHaveLength(OP_CASES.length);
    expect(disagreements(got, reference)).toEqual([]);
  });
});
