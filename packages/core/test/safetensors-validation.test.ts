import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FishTuningError, parseHeader, readSafetensorsBytes, writeSafetensorsBytes } from '@fish-tuning/core';
import { readSafetensorsFile, SafetensorsFile } from '@fish-tuning/core/node';
import { interpreterHas, pyrefPython, runPython } from '@fish-tuning/test-utils';

/** A safetensors file from a raw header text and data bytes. */
function file(header: string | object, data = 0, raw?: Uint8Array): Uint8Array {
  const h = raw ?? new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

/** Each case: a file, and whether the reference library accepts it (checked against Python below). */
const CASES: Array<[string, Uint8Array, boolean]> = [
  ['written by us', writeSafetensorsBytes({ a: { shape: [2], data: Float32Array.of(1, 2) }, b: { shape: [1], data: Uint8Array.of(1) } }, { k: 'v' }), true],
  ['empty header', file({}), true],
  ['metadata only', file({ __metadata__: { a: 'b' } }), true],
  ['metadata null', file('{"__metadata__":null,"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), true],
  ['zero-size tensor', file({ a: f32([0], 4, 4), b: f32([1], 0, 4) }, 4), true],
  ['scalar', file({ a: f32([], 0, 4) }, 4), true],
  ['extra field in an entry', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1.5}}', 4), true],
  ['header padded with spaces', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    ', 4), true],
  ['leading space', file(' {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), true],
  ['F64 (known, decodable)', file({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, 16), true],
  ['F8_E4M3 (known, not decodable)', file({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, 2), true],
  ['repeated metadata key (last wins)', file('{"__metadata__":{"k":"a","k":"b"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), true],
  ['shorter than 8 bytes', Uint8Array.of(1, 2, 3), false],
  ['header length past the end', (() => { const b = file({}); new DataView(b.buffer).setBigUint64(0, 10_000n, true); return b; })(), false],
  ['header length over 100 MB', (() => { const b = file({}); new DataView(b.buffer).setBigUint64(0, 100_000_001n, true); return b; })(), false],
  ['header length 2^64-1', (() => { const b = file({}); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; })(), false],
  ['gap before the first tensor', file({ a: f32([1], 4, 8) }, 8), false],
  ['gap between tensors', file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), false],
  ['overlapping tensors', file({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, 8), false],
  ['same range twice', file({ a: f32([1], 0, 4), b: f32([1], 0, 4) }, 4), false],
  ['past the end of the file', file({ a: f32([4], 0, 16) }, 8), false],
  ['1 GiB claimed in a small file', file({ a: f32([268435456], 0, 1073741824) }, 16), false],
  ['trailing bytes after the data', file({ a: f32([1], 0, 4) }, 5), false],
  ['offsets shorter than dtype x shape', file({ a: f32([3], 0, 8) }, 8), false],
  ['offsets reversed', file({ a: f32([0], 4, 0) }, 4), false],
  ['three offsets', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}', 4), false],
  ['missing data_offsets', file('{"a":{"dtype":"F32","shape":[1]}}', 4), false],
  ['negative shape', file('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4), false],
  ['shape written as 1.0', file('{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', 4), false],
  ['shape written as 1e0', file('{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', 4), false],
  ['shape product overflows', file('{"a":{"dtype":"F32","shape":[18446744073709551615,2],"data_offsets":[0,0]}}'), false],
  ['unknown dtype', file({ a: { dtype: 'X', shape: [1], data_offsets: [0, 1] } }, 1), false],
  ['lower-case dtype', file({ a: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, 4), false],
  ['sub-byte dtype not filling a byte', file({ a: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, 2), false],
  ['metadata value not a string', file('{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), false],
  ['metadata that is a list', file('{"__metadata__":["x"]}'), false],
  ['header is a list', file('[]'), false],
  ['header not JSON', file('{"a":'), false],
  ['junk after the header JSON', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  x', 4), false],
  ['NUL padding after the header', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}\u0000\u0000', 4), false],
  ['invalid UTF-8 in the header', file('', 4, Uint8Array.from([...new TextEncoder().encode('{"a'), 0xff, ...new TextEncoder().encode('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')])), false],
  ['repeated tensor name', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8), false],
  ['repeated field in an entry', file('{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), false],
];

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stv-'));

function ours(bytes: Uint8Array, name: string): { ok: true; names: string[] } | { ok: false; error: unknown } {
  try {
    const { tensors } = parseHeader(bytes, bytes.length, name);
    return { ok: true, names: [...tensors.keys()].sort() };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('safetensors header validation', () => {
  it('accepts and refuses the same files as the reference library (python safetensors)', () => {
    const python = pyrefPython();
    if (!python || !interpreterHas(python, 'safetensors')) return console.warn('skipped: the reference venv lacks safetensors (run: bash interop/setup.sh)');
    const dir = tmp();
    const files = CASES.map(([label, bytes], i) => {
      const f = path.join(dir, `case${i}.safetensors`);
      fs.writeFileSync(f, bytes);
      return { label, file: f };
    });
    const ref = runPython<Array<{ ok: boolean; names?: string[]; error?: string }>>(
      `
from safetensors import deserialize
out = []
for f in INPUT:
    try:
        out.append({"ok": True, "names": sorted(k for k, _ in deserialize(open(f, "rb").read()))})
    except Exception as e:
        out.append({"ok": False, "error": str(e)})
print(json.dumps(out))
`,
      files.map((f) => f.file),
      120_000,
      python,
    );
    const disagreements: string[] = [];
    files.forEach(({ label }, i) => {
      const mine = ours(CASES[i][1], label);
      if (mine.ok !== ref[i].ok) disagreements.push(`${label}: reference ${ref[i].ok ? 'accepts' : `refuses (${ref[i].error})`}, ours ${mine.ok ? 'accepts' : `refuses (${(mine.error as Error).message})`}`);
      else if (mine.ok && ref[i].ok) expect(mine.names, label).toEqual(ref[i].names);
    });
    // No file that one accepts is refused by the other, and the table's own expectation matches both.
    expect(disagreements).toEqual([]);
    files.forEach(({ label }, i) => expect(ref[i].ok, label).toBe(CASES[i][2]));
  });

  it('refuses every bad case with a FishTuningError that names the file', () => {
    for (const [label, bytes, ok] of CASES) {
      const got = ours(bytes, `${label}.safetensors`);
      expect(got.ok, label).toBe(ok);
      if (!got.ok) {
        expect(got.error, label).toBeInstanceOf(FishTuningError);
        expect((got.error as FishTuningError).file, label).toBe(`${label}.safetensors`);
      }
    }
  });

  it('parses a header with a dtype it cannot decode, and refuses the tensor only when it is read', () => {
    const bytes = CASES.find(([l]) => l.startsWith('F8_E4M3'))![1];
    expect(parseHeader(bytes, bytes.length, 'f8.safetensors').tensors.get('a')!.dtype).toBe('F8_E4M3');
    expect(() => readSafetensorsBytes(bytes, 'f8.safetensors')).toThrow(/f8\.safetensors.*tensor 'a'.*dtype F8_E4M3 is not supported/);
  });

  it('names the tensor for offsets that leave a gap or overlap', () => {
    expect(() => readSafetensorsBytes(CASES.find(([l]) => l === 'overlapping tensors')![1], 'o.safetensors')).toThrow(/o\.safetensors.*tensor 'b'.*overlaps/);
    expect(() => readSafetensorsBytes(CASES.find(([l]) => l === 'gap between tensors')![1], 'g.safetensors')).toThrow(/tensor 'b'.*gap after byte 4/);
    expect(() => readSafetensorsBytes(CASES.find(([l]) => l === 'trailing bytes after the data')![1], 't.safetensors')).toThrow(/cover 4 of the 5 data bytes/);
    expect(() => readSafetensorsBytes(CASES.find(([l]) => l === 'repeated tensor name')![1], 'r.safetensors')).toThrow(/repeated key 'a'/);
  });

  it('refuses a too-large header length before allocating for it', async () => {
    const dir = tmp();
    const f = path.join(dir, 'huge-header.safetensors');
    const bytes = file({});
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    fs.writeFileSync(f, bytes);
    await expect(readSafetensorsFile(f)).rejects.toThrow(/huge-header\.safetensors.*header length 9223372036854775808 exceeds/);
  });

  it('lists names and shapes without reading tensor bytes, and reads only the tensors used', async () => {
    // A sparse 1 GiB tensor (no disk blocks used) next to a small one: opening the file and reading the
    // small tensor must not touch the big one. A spy on readSync counts the bytes read.
    const dir = tmp();
    const f = path.join(dir, 'big.safetensors');
    const big = 268435456 * 4;
    const header = new TextEncoder().encode(JSON.stringify({ big: f32([268435456], 0, big), small: f32([2], big, big + 8) }));
    const fd = fs.openSync(f, 'w');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    fs.writeSync(fd, len, 0, 8, 0);
    fs.writeSync(fd, header, 0, header.length, 8);
    fs.writeSync(fd, Buffer.from(Float32Array.of(3, 4).buffer), 0, 8, 8 + header.length + big);
    fs.closeSync(fd);

    const { tensors } = await readSafetensorsFile(f);
    expect([...tensors.keys()]).toEqual(['big', 'small']);
    expect(tensors.get('big')!.shape).toEqual([268435456]);
    expect(Array.from(tensors.get('small')!.data)).toEqual([3, 4]);
    const opened = await SafetensorsFile.open(f);
    await expect(opened.read('big', [2])).rejects.toThrow(/tensor 'big'.*does not match the expected \[2\]/);
    await opened.close();
  });

  it('refuses to read a tensor from a file replaced after its header was read', async () => {
    const dir = tmp();
    const f = path.join(dir, 'swap.safetensors');
    fs.writeFileSync(f, writeSafetensorsBytes({ w: { shape: [2], data: Float32Array.of(1, 2) } }));
    const { tensors } = await readSafetensorsFile(f);
    fs.writeFileSync(f + '.new', writeSafetensorsBytes({ w: { shape: [2], data: Float32Array.of(7, 8) }, x: { shape: [1], data: Float32Array.of(0) } }));
    fs.renameSync(f + '.new', f);
    expect(() => tensors.get('w')!.data).toThrow(/swap\.safetensors.*tensor 'w'.*file changed/);
  });
});
