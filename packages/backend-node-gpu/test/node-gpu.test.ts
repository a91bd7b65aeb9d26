import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function nodeGpuInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

describe('backend-node-gpu', () => {
  it('reports a clear, actionable error when @tensorflow/tfjs-node-gpu is not installed', async () => {
    if (nodeGpuInstalled()) return console.warn('skipped: tfjs-node-gpu is installed here; see the next test');
    const m = await import('@fish-tuning/backend-node-gpu');
    expect(await m.isAvailable()).toBe(false);
    await expect(m.ready()).rejects.toThrow(/needs the optional peer @tensorflow\/tfjs-node-gpu/);
  });

  it.runIf(nodeGpuInstalled())('selects the tensorflow backend and trains through the fixed gradients', async () => {
    const m = await import('@fish-tuning/backend-node-gpu');
    await m.ready();
    const tf = await import('@tensorflow/tfjs-core');
    expect(tf.getBackend()).toBe('tensorflow');
    const g = tf.grad((x: any) => tf.sum(tf.matMul(x, x)))(tf.ones([3, 3]));
    expect(Array.from(await g.data())).toEqual(new Array(9).fill(6));
  });
});
