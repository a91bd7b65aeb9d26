/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {k: v}}`, then the raw bytes.
 * Reading decodes F32, F16 and BF16 (to f32), I32/I64/U8/BOOL (to int32 or u8); writing emits F32, F16 or U8.
 * Every bound is checked, and an error names the file and tensor.
 * @module
 */
import { FishTuningError } from './errors.js';

export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'BOOL' | 'F64' | 'I8' | 'I16';

export interface TensorEntry {
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section in the file. */
  dataStart: number;
}

/** A decoded tensor: float dtypes come back as Float32Array, integer ones as Int32Array, U8/BOOL as Uint8Array. */
export interface DecodedTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

const BYTES: Record<SafetensorsDType, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1, BOOL: 1, F64: 8, I8: 1, I16: 2 };

/** Parses the header from the file's first bytes (`prefix` must hold at least 8 + header length bytes). */
export function parseHeader(prefix: Uint8Array, fileSize: number, file = '<bytes>'): SafetensorsHeader {
  if (fileSize < 8 || prefix.length < 8) throw new FishTuningError(`truncated safetensors: ${fileSize} bytes, need at least 8`, { file });
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > fileSize) {
    throw new FishTuningError(`header length ${headerLength} runs past the end of the file (${fileSize} bytes)`, { file });
  }
  if (prefix.length < 8 + headerLength) throw new FishTuningError(`header not fully read`, { file });
  let json: Record<string, any>;
  try {
    json = JSON.parse(new TextDecoder().decode(prefix.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new FishTuningError(`header is not valid JSON (${(e as Error).message})`, { file });
  }
  const dataStart = 8 + headerLength;
  const dataSize = fileSize - dataStart;
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') {
      metadata = raw ?? {};
      continue;
    }
    const dtype = raw?.dtype as SafetensorsDType;
    if (!(dtype in BYTES)) throw new FishTuningError(`unknown dtype '${raw?.dtype}'`, { file, tensor: name });
    const shape: number[] = raw.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new FishTuningError(`bad shape ${JSON.stringify(raw.shape)}`, { file, tensor: name });
    }
    const [begin, end] = raw.data_offsets ?? [];
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin) {
      throw new FishTuningError(`bad data_offsets ${JSON.stringify(raw.data_offsets)}`, { file, tensor: name });
    }
    if (end - begin !== expected) {
      throw new FishTuningError(`data_offsets span ${end - begin} bytes but ${dtype}${JSON.stringify(shape)} needs ${expected}`, { file, tensor: name });
    }
    if (end > dataSize) {
      throw new FishTuningError(`data ends at byte ${end} of a ${dataSize}-byte data section (file truncated?)`, { file, tensor: name });
    }
    tensors.set(name, { dtype, shape, dataOffsets: [begin, end] });
  }
  return { tensors, metadata, dataStart };
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);
function f32ToF16(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0];
  const sign = (x >> 16) & 0x8000;
  const exp = (x >> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return half;
}

/** Decodes one tensor's raw bytes (little-endian). */
export function decodeTensor(entry: TensorEntry, bytes: Uint8Array, name = '<tensor>', file = '<bytes>'): DecodedTensor {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { dtype, shape } = entry;
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return { dtype, shape, data: out };
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return { dtype, shape, data: out };
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(i * 2, true));
      return { dtype, shape, data: out };
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
      return { dtype, shape, data: out };
    }
    case 'I32':
    case 'I16':
    case 'I8': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dtype === 'I32' ? view.getInt32(i * 4, true) : dtype === 'I16' ? view.getInt16(i * 2, true) : view.getInt8(i);
      return { dtype, shape, data: out };
    }
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) throw new FishTuningError(`I64 value ${v} does not fit int32`, { file, tensor: name });
        out[i] = Number(v);
      }
      return { dtype, shape, data: out };
    }
    case 'U8':
    case 'BOOL':
      return { dtype, shape, data: new Uint8Array(bytes.slice(0, n)) };
  }
}

/** Parses a whole in-memory safetensors file (browser or small files). */
export function readSafetensorsBytes(bytes: Uint8Array, file = '<bytes>'): { tensors: Map<string, DecodedTensor>; metadata: Record<string, string> } {
  const header = parseHeader(bytes, bytes.length, file);
  const tensors = new Map<string, DecodedTensor>();
  for (const [name, entry] of header.tensors) {
    const [b, e] = entry.dataOffsets;
    tensors.set(name, decodeTensor(entry, bytes.subarray(header.dataStart + b, header.dataStart + e), name, file));
  }
  return { tensors, metadata: header.metadata };
}

/** A tensor to write: f32 data written as F32 (default) or F16; u8 data written as U8. */
export interface TensorToWrite {
  shape: number[];
  data: Float32Array | Uint8Array;
  dtype?: 'F32' | 'F16' | 'U8';
}

/** Serialises tensors (sorted by name, as the Python library does) with optional string metadata. */
export function writeSafetensorsBytes(tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of entries) {
    const dtype = t.dtype ?? (t.data instanceof Uint8Array ? 'U8' : 'F32');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new FishTuningError(`data has ${t.data.length} values but shape ${JSON.stringify(t.shape)} needs ${n}`, { tensor: name });
    let bytes: Uint8Array;
    if (dtype === 'U8') {
      if (!(t.data instanceof Uint8Array)) throw new FishTuningError('U8 needs Uint8Array data', { tensor: name });
      bytes = t.data;
    } else if (dtype === 'F16') {
      const out = new Uint8Array(n * 2);
      const v = new DataView(out.buffer);
      for (let i = 0; i < n; i++) v.setUint16(i * 2, f32ToF16(t.data[i]), true);
      bytes = out;
    } else {
      const out = new Uint8Array(n * 4);
      const v = new DataView(out.buffer);
      for (let i = 0; i < n; i++) v.setFloat32(i * 4, t.data[i], true);
      bytes = out;
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces to a multiple of 8 so the data section is aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
