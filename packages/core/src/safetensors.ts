/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {k: v}}`, then the raw bytes.
 * Reading decodes F32, F16 and BF16 (to f32), I32/I64/U8/BOOL (to int32 or u8); writing emits F32, F16 or U8.
 * Every bound is checked, and an error names the file and tensor.
 * @module
 */
import { FishTuningError } from './errors.js';
import { parseStrictJson, StrictJsonError, type StrictJson } from './strict-json.js';

/** Every dtype the reference library (safetensors 0.8) knows; decoding supports the common subset. */
export type SafetensorsDType =
  | 'BOOL' | 'F4' | 'F6_E2M3' | 'F6_E3M2' | 'U8' | 'I8' | 'F8_E5M2' | 'F8_E4M3' | 'F8_E8M0' | 'F8_E4M3FNUZ' | 'F8_E5M2FNUZ'
  | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'C64' | 'F64' | 'I64' | 'U64';

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

const BITS = new Map<string, number>([
  ['BOOL', 8], ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8], ['F8_E8M0', 8],
  ['F8_E4M3FNUZ', 8], ['F8_E5M2FNUZ', 8], ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16], ['I32', 32], ['U32', 32],
  ['F32', 32], ['C64', 64], ['F64', 64], ['I64', 64], ['U64', 64],
]);
const DECODABLE = new Set<SafetensorsDType>(['F32', 'F16', 'BF16', 'F64', 'I32', 'I16', 'I8', 'I64', 'U8', 'BOOL']);

/** The reference library's cap on the JSON header (safetensors' MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads the header length from the first 8 bytes and checks it against the file size and the
 * reference cap, so that a reader never allocates for a bogus length.
 */
export function headerLength(first8: Uint8Array, fileSize: number, file = '<bytes>'): number {
  if (fileSize < 8 || first8.length < 8) throw new FishTuningError(`truncated safetensors: ${fileSize} bytes, need at least 8`, { file });
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new FishTuningError(`header length ${n} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes (not a safetensors file?)`, { file });
  if (8n + n > BigInt(fileSize)) throw new FishTuningError(`header length ${n} runs past the end of the file (${fileSize} bytes)`, { file });
  return Number(n);
}

const isRecord = (v: unknown): v is Record<string, StrictJson> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUsize = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n && v < 2n ** 64n;

/**
 * Parses and validates the header as strictly as the reference library: UTF-8 JSON object, at most
 * 100 MB; `__metadata__` maps strings to strings; each tensor has a known dtype, a shape and two
 * offsets written as non-negative integers; sorted by offset the tensors tile the data section
 * exactly (starting at 0, no gap, no overlap, nothing after the last one); each byte range equals
 * dtype × shape. Repeated names are refused (the reference keeps only one of them).
 * `prefix` must hold at least 8 + header length bytes.
 */
export function parseHeader(prefix: Uint8Array, fileSize: number, file = '<bytes>'): SafetensorsHeader {
  const n = headerLength(prefix, fileSize, file);
  if (prefix.length < 8 + n) throw new FishTuningError(`header not fully read`, { file });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(prefix.subarray(8, 8 + n));
  } catch {
    throw new FishTuningError('header is not valid UTF-8 (not a safetensors file?)', { file });
  }
  let json: StrictJson;
  try {
    json = parseStrictJson(text, (path) => path.length === 1 && path[0] === '__metadata__');
  } catch (e) {
    const why = e instanceof StrictJsonError ? e.message : 'nested too deeply';
    throw new FishTuningError(`header is not valid JSON (${why})`, { file });
  }
  if (!isRecord(json)) throw new FishTuningError('header is not a JSON object', { file });

  const metadata: Record<string, string> = {};
  const raw = json['__metadata__'];
  if (raw !== undefined && raw !== null) {
    if (!isRecord(raw)) throw new FishTuningError(`'__metadata__' must map strings to strings, got ${describe(raw)}`, { file });
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string') throw new FishTuningError(`'__metadata__' value '${k}' must be a string, got ${describe(v)}`, { file });
      Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }

  const listed: Array<[string, TensorEntry, bigint, bigint]> = [];
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    const subject = { file, tensor: name };
    if (!isRecord(info)) throw new FishTuningError(`entry must be an object with dtype, shape and data_offsets, got ${describe(info)}`, subject);
    const dtype = info['dtype'];
    if (typeof dtype !== 'string' || !BITS.has(dtype)) throw new FishTuningError(`unknown dtype ${JSON.stringify(describe(dtype))}; known: ${[...BITS.keys()].join(', ')}`, subject);
    const shape = info['shape'];
    if (!Array.isArray(shape) || !shape.every(isUsize)) throw new FishTuningError(`shape must be a list of non-negative integers, got ${describe(shape)}`, subject);
    const offsets = info['data_offsets'];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isUsize)) {
      throw new FishTuningError(`data_offsets must be two non-negative integers, got ${describe(offsets)}`, subject);
    }
    const count = (shape as bigint[]).reduce((a, b) => a * b, 1n);
    const bits = count * BigInt(BITS.get(dtype)!);
    if (bits % 8n !== 0n) throw new FishTuningError(`${dtype}${describe(shape)} does not fill whole bytes`, subject);
    const [begin, end] = offsets as bigint[];
    if (end < begin) throw new FishTuningError(`data_offsets [${begin}, ${end}] end before they begin`, subject);
    if (end - begin !== bits / 8n) throw new FishTuningError(`data_offsets span ${end - begin} bytes but ${dtype}${describe(shape)} needs ${bits / 8n}`, subject);
    listed.push([name, { dtype: dtype as SafetensorsDType, shape: (shape as bigint[]).map(Number), dataOffsets: [0, 0] }, begin, end]);
  }

  // Sorted by offset, the tensors must tile the data section from 0 to its end (the reference's validate()).
  listed.sort((a, b) => (a[2] !== b[2] ? (a[2] < b[2] ? -1 : 1) : a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0));
  const dataStart = 8 + n;
  const dataSize = BigInt(fileSize - dataStart);
  let next = 0n;
  const tensors = new Map<string, TensorEntry>();
  for (const [name, entry, begin, end] of listed) {
    if (begin !== next) {
      const why = begin < next ? `overlaps the tensor before it (which ends at ${next})` : `leaves a gap after byte ${next}`;
      throw new FishTuningError(`data_offsets [${begin}, ${end}] ${why}`, { file, tensor: name });
    }
    if (end > dataSize) throw new FishTuningError(`data ends at byte ${end} of a ${dataSize}-byte data section (file truncated?)`, { file, tensor: name });
    next = end;
    entry.dataOffsets = [Number(begin), Number(end)];
    tensors.set(name, entry);
  }
  if (next !== dataSize) throw new FishTuningError(`the tensors cover ${next} of the ${dataSize} data bytes (file has trailing bytes or is not a safetensors file)`, { file });
  // Keep the header's own order for callers that list names.
  const ordered = new Map<string, TensorEntry>();
  for (const name of Object.keys(json)) if (tensors.has(name)) ordered.set(name, tensors.get(name)!);
  return { tensors: ordered, metadata, dataStart };
}

function describe(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? String(v);
}

/** Byte size of a tensor's data once decoded (4 bytes per value for every decodable dtype except U8/BOOL). */
export function decodedByteLength(entry: TensorEntry): number {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  return entry.dtype === 'U8' || entry.dtype === 'BOOL' ? n : n * 4;
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
  if (!DECODABLE.has(dtype)) throw new FishTuningError(`dtype ${dtype} is not supported (supported: ${[...DECODABLE].join(', ')})`, { file, tensor: name });
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
    default:
      throw new FishTuningError(`dtype ${dtype} is not supported`, { file, tensor: name });
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
