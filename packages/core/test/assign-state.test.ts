import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assignStateDict, FishTuningError, type DecodedTensor } from '@fish-tuning/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@fish-tuning/core/node';

const f32 = (shape: number[], values: number[]): DecodedTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });

describe('assignStateDict', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`refuses ${bad} naming the tensor and leaves every variable as it was`, () => {
      const a = tf.variable(tf.zeros([2]));
      const b = tf.variable(tf.zeros([3]));
      const vars = new Map([
        ['a.lora_A.weight', a],
        ['b.lora_B.weight', b],
      ]);
      const before = tf.memory().numTensors;
      const tensors = new Map([
        ['a.lora_A.weight', f32([2], [1, 2])],
        ['b.lora_B.weight', f32([3], [0, bad, 1])],
      ]);
      let err: unknown;
      try {
        assignStateDict(vars, tensors, 'adapter_model.safetensors');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FishTuningError);
      expect((err as FishTuningError).tensor).toBe('b.lora_B.weight');
      expect((err as Error).message).toMatch(new RegExp(`adapter_model\\.safetensors.*b\\.lora_B\\.weight.*1 non-finite value\\(s\\) \\(first: ${bad} at flat index 1`));
      expect(Array.from(a.dataSync())).toEqual([0, 0]);
      expect(Array.from(b.dataSync())).toEqual([0, 0, 0]);
      expect(tf.memory().numTensors).toBe(before);
      a.dispose();
      b.dispose();
    });
  }

  it('refuses an unexpected or mis-shaped tensor from the header, without reading its bytes', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'as-')), 'adapter_model.safetensors');
    await writeSafetensorsFile(file, { w: { shape: [4], data: new Float32Array(4) }, extra: { shape: [2], data: new Float32Array(2) } });
    const v = tf.variable(tf.zeros([4]));
    const read = await readSafetensorsFile(file);
    // Any read would now fail: the file is gone, so a refusal proves the check used the header only.
    fs.rmSync(file);
    expect(() => assignStateDict(new Map([['w', v]]), read.tensors, file)).toThrow(/tensor 'extra'.*unexpected tensor/);
    read.tensors.delete('extra');
    expect(() => assignStateDict(new Map([['w', tf.variable(tf.zeros([2]))]]), read.tensors, file)).toThrow(/tensor 'w'.*shape \[4\] does not match the expected \[2\]/);
    expect(() => assignStateDict(new Map([['w', v]]), read.tensors, file)).toThrow(/tensor 'w'.*cannot open \(ENOENT\)/);
    v.dispose();
  });
});
