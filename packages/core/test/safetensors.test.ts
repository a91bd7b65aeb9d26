import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSafetensorsBytes, writeSafetensorsBytes, FishTuningError } from '@fish-tuning/core';
import { SafetensorsFile, readSafetensorsFile, writeSafetensorsFile } from '@fish-tuning/core/node';
import { pythonHas, runPython } from '@fish-tuning/test-utils';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));

describe('safetensors', () => {
  it('round-trips F32, F16 and U8 with metadata', () => {
    const f32 = Float32Array.from([1.5, -2, 3.25, 0]);
    const f16src = Float32Array.from([0.1, -65504, 1e-5, 2.5]);
    const bytes = writeSafetensorsBytes(
      { 'a.weight': { shape: [2, 2], data: f32 }, half: { shape: [4], data: f16src, dtype: 'F16' }, mask: { shape: [3], data: Uint8Array.of(0, 1, 1) } },
      { k: '2' },
    );
    const { tensors, metadata } = readSafetensorsBytes(bytes);
    expect(metadata).toEqual({ k: '2' });
    expect(Array.from(tensors.get('a.weight')!.data)).toEqual(Array.from(f32));
    expect(tensors.get('mask')!.dtype).toBe('U8');
    expect(Array.from(tensors.get('mask')!.data)).toEqual([0, 1, 1]);
    const half = tensors.get('half')!.data;
    // f16 keeps ~3 significant digits; -65504 is the largest finite half and exact.
    expect(half[1]).toBe(-65504);
    expect(Math.abs(half[0] - 0.1)).toBeLessThan(1e-4);
    expect(Math.abs(half[2] - 1e-5) / 1e-5).toBeLessThan(1e-2);
  });

  it('decodes F16 and BF16 exactly as NumPy does', () => {
    if (!pythonHas('numpy')) return console.warn('skipped: numpy not available to python');
    // NumPy writes a safetensors file by hand (header + raw bytes): an independent encoder.
    const dir = tmp();
    const file = path.join(dir, 'np.safetensors');
    const ref = runPython<{ f16: number[]; bf16: number[] }>(
      `
import numpy as np, struct
x = np.array([0.1, -3.75, 65504, 6e-8, 1/3, -0.0], dtype=np.float32)
h = x.astype(np.float16)
b = (x.view(np.uint32) >> 16).astype(np.uint16)  # bf16 by truncation
hdr = json.dumps({"h": {"dtype": "F16", "shape": [6], "data_offsets": [0, 12]}, "b": {"dtype": "BF16", "shape": [6], "data_offsets": [12, 24]}}).encode()
open(INPUT, "wb").write(struct.pack("<Q", len(hdr)) + hdr + h.tobytes() + b.tobytes())
print(json.dumps({"f16": h.astype(np.float32).tolist(), "bf16": (b.astype(np.uint32) << 16).view(np.float32).tolist()}))
`,
      file,
    );
    const { tensors } = readSafetensorsBytes(new Uint8Array(fs.readFileSync(file)), file);
    expect(Array.from(tensors.get('h')!.data)).toEqual(ref.f16);
    expect(Array.from(tensors.get('b')!.data)).toEqual(ref.bf16);
  });

  it('writes F16 that NumPy reads back as the nearest half', () => {
    if (!pythonHas('numpy')) return console.warn('skipped: numpy not available to python');
    const values = [0.1, -3.75, 1e-7, 65519, 1 / 3, 2049, 2051, 6.1e-5];
    const file = path.join(tmp(), 'w.safetensors');
    fs.writeFileSync(file, writeSafetensorsBytes({ x: { shape: [values.length], data: Float32Array.from(values), dtype: 'F16' } }));
    const got = runPython<{ read: number[]; want: number[] }>(
      `
import numpy as np, struct
raw = open(INPUT["file"], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8+n])
b, e = h["x"]["data_offsets"]
print(json.dumps({"read": np.frombuffer(raw[8+n+b:8+n+e], dtype=np.float16).astype(float).tolist(),
                  "want": np.array(INPUT["values"], dtype=np.float32).astype(np.float16).astype(float).tolist()}))
`,
      { file, values },
    );
    expect(got.read).toEqual(got.want);
  });

  it('streams single tensors from a file and checks shapes by name', async () => {
    const file = path.join(tmp(), 'x.safetensors');
    await writeSafetensorsFile(file, { w: { shape: [2, 3], data: new Float32Array(6).fill(2) } });
    const f = await SafetensorsFile.open(file);
    expect(f.names()).toEqual(['w']);
    expect((await f.read('w', [2, 3])).data.length).toBe(6);
    await expect(f.read('w', [3, 2])).rejects.toThrow(/tensor 'w'.*\[2,3\].*\[3,2\]/);
    await expect(f.read('missing')).rejects.toThrow(/tensor 'missing'.*missing tensor/);
    await f.close();
  });

  it('names the file for a truncated file, a header past the end and an unknown dtype', async () => {
    const dir = tmp();
    const good = writeSafetensorsBytes({ w: { shape: [4], data: new Float32Array(4) } });
    const truncated = path.join(dir, 'truncated.safetensors');
    fs.writeFileSync(truncated, good.subarray(0, good.length - 3));
    await expect(readSafetensorsFile(truncated)).rejects.toThrow(/truncated\.safetensors.*tensor 'w'.*data section/);

    const tiny = path.join(dir, 'tiny.safetensors');
    fs.writeFileSync(tiny, Uint8Array.of(1, 2, 3));
    await expect(readSafetensorsFile(tiny)).rejects.toThrow(/tiny\.safetensors.*truncated/);

    const pastEnd = path.join(dir, 'past.safetensors');
    const buf = Buffer.from(good);
    buf.writeBigUInt64LE(10_000n, 0);
    fs.writeFileSync(pastEnd, buf);
    await expect(readSafetensorsFile(pastEnd)).rejects.toThrow(/past\.safetensors.*header length 10000 runs past the end/);

    const hdr = Buffer.from(JSON.stringify({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hdr.length));
    const badDtype = path.join(dir, 'dtype.safetensors');
    fs.writeFileSync(badDtype, Buffer.concat([len, hdr, Buffer.alloc(1)]));
    // A dtype the reference knows but this library cannot decode: the header is fine, reading the tensor is refused.
    const { tensors } = await readSafetensorsFile(badDtype);
    let err: any;
    try {
      void tensors.get('w')!.data;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FishTuningError);
    expect(err.file).toBe(badDtype);
    expect(err.tensor).toBe('w');
    expect(err.message).toMatch(/dtype F8_E4M3 is not supported/);
  });

  it('rejects offsets that disagree with dtype × shape', () => {
    const hdr = new TextEncoder().encode(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }));
    const bytes = new Uint8Array(8 + hdr.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(hdr.length), true);
    bytes.set(hdr, 8);
    expect(() => readSafetensorsBytes(bytes, 'm.safetensors')).toThrow(/m\.safetensors.*tensor 'w'.*span 8 bytes but F32\[3\] needs 12/);
  });
});
