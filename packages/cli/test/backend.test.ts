/** --backend: auto picks the fastest installed backend (tensorflow when its addon is built, else wasm); every choice is printed. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { autoBackend, defaultMaxTokens, nativeInstalled, selectBackend } from '../src/backend.js';

async function select(name: string) {
  const lines: string[] = [];
  const selected = await selectBackend(name, (l) => lines.push(l));
  return { selected, lines };
}

describe('selectBackend', () => {
  it('wasm and cpu on request, each printed, with the wasm token budget only on wasm', async () => {
    const wasm = await select('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.lines).toEqual(['backend: wasm (SIMD, 1 thread)']);
    expect(defaultMaxTokens(wasm.selected)).toBe(1024);
    const cpu = await select('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.lines).toEqual(['backend: cpu (pure JavaScript)']);
    expect(defaultMaxTokens(cpu.selected)).toBeGreaterThan(1024);
  });

  it('auto takes tensorflow when the native addon is built here, wasm (with a hint) otherwise', async () => {
    const expected = nativeInstalled(false) ? 'tensorflow' : nativeInstalled(true) ? 'tensorflow-gpu' : 'wasm';
    expect(autoBackend()).toBe(expected);
    const { selected, lines } = await select('auto');
    expect(tf.getBackend()).toBe(selected.name);
    if (expected === 'wasm') expect(lines).toEqual(['backend: wasm (SIMD, 1 thread; `fish-tune setup-native` installs the faster native backend)']);
    else expect(lines.at(-1)).toMatch(/^backend: tensorflow \(.*libtensorflow 2\.21\.\d+, (CPU|CUDA GPU)/);
    await tf.setBackend('wasm');
  });

  it('unknown names are rejected naming --backend and the accepted values', async () => {
    await expect(selectBackend('tpu', () => undefined)).rejects.toThrow("option '--backend': unknown backend 'tpu'; accepted: auto, tensorflow-gpu, tensorflow, wasm, cpu");
  });
});
