import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { hasChromium, runInChromium, expectAllClose, CHROMIUM_PATH } from '@fish-tuning/test-utils';
import { trainingKernelsProbe } from './probe';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('backend-webgpu in headless Chromium', () => {
  it('computes training kernels like the wasm backend in Node', async () => {
    if (!hasChromium()) {
      console.warn(`skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set FISH_CHROMIUM)`);
      return;
    }
    const browser = await runInChromium<Record<string, number[] | string>>(path.join(here, 'browser-entry.ts'));
    expect(browser.backend).toBe('webgpu');
    const node = await trainingKernelsProbe(tf);
    expect(tf.getBackend()).toBe('wasm');
    for (const key of Object.keys(node)) expectAllClose(browser[key] as number[], node[key], 1e-5, 1e-6, key);
    // The masked entries of the AdamW step did not move.
    expect([browser.adamw[1], browser.adamw[3]]).toEqual([-2, -4]);
  });
});
