/**
 * backend-node-gpu on this machine: built by `setup-native --gpu` against the CUDA build of libtensorflow;
 * without a GPU it must load, run on the CPU and say so. (A CUDA run needs a GPU machine.)
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { nativeSetUp } from '../../backend-node/test/native-available.js';

const hasGpuDevice = (await import('node:fs')).existsSync('/dev/nvidiactl');

describe('backend-node-gpu', () => {
  it.runIf(!nativeSetUp(true))('rejects with set-up instructions when the addon is not built', async () => {
    const m = await import('@fish-tuning/backend-node-gpu');
    expect(await m.isAvailable()).toBe(false);
    await expect(m.ready()).rejects.toThrow(/@tensorflow\/tfjs-node-gpu is not set up.*setup-native --gpu.*wasm backend is used/s);
  });

  it.runIf(nativeSetUp(true))('selects tensorflow, reports the device (CPU fallback here) and trains through the gradients', async () => {
    const m = await import('@fish-tuning/backend-node-gpu');
    const info = await m.ready();
    expect(info).toMatchObject({ backend: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', gpu: hasGpuDevice });
    expect(info.libtensorflow).toMatch(/^2\.21\./);
    if (!hasGpuDevice) expect(m.deviceNote(info)).toMatch(/no usable GPU and runs on the CPU.*nvidia|and-cuda/);
    expect(tf.getBackend()).toBe('tensorflow');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, x)))(tf.ones([3, 3]));
    expect(Array.from(await g.data())).toEqual(new Array(9).fill(6));
    const y = tf.matMul(tf.ones([2, 2, 3, 4]), tf.ones([2, 2, 4, 5]));
    expect(Array.from(await y.data())).toEqual(new Array(2 * 2 * 3 * 5).fill(4));
  });
});
