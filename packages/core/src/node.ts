/**
 * Node-only file access (kept out of the main entry so that browsers never see `node:fs`):
 * streaming safetensors reads, atomic writes, JSON files with errors that name the file.
 * @module @fish-tuning/core/node
 */
import * as fs from 'node:fs';
import { promises as fsp, type Stats } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { FishTuningError } from './errors.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  decodedByteLength,
  decodeTensor,
  headerLength,
  parseHeader,
  writeSafetensorsBytes,
  type DecodedTensor,
  type SafetensorsDType,
  type SafetensorsHeader,
  type TensorEntry,
  type TensorToWrite,
} from './safetensors.js';

export { writeFileAtomic };

/** The largest single read Node can do into one Buffer. */
const MAX_READ_BYTES = bufferConstants.MAX_LENGTH;

/** Refuses, from the header alone, a tensor too large to read or decode in one piece. */
function checkReadable(file: string, name: string, entry: TensorEntry): void {
  const [b, e] = entry.dataOffsets;
  const bytes = Math.max(e - b, decodedByteLength(entry));
  if (bytes > MAX_READ_BYTES) {
    throw new FishTuningError(`${entry.dtype}${JSON.stringify(entry.shape)} needs ${bytes} bytes, more than one read can hold (${MAX_READ_BYTES})`, { file, tensor: name });
  }
}

const openError = (e: unknown, file: string, tensor?: string) =>
  new FishTuningError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, tensor });

/** An open safetensors file: the header is read once, tensors are read on demand (never the whole file). */
export class SafetensorsFile {
  private constructor(
    readonly file: string,
    readonly header: SafetensorsHeader,
    private readonly handle: fsp.FileHandle,
  ) {}

  static async open(file: string): Promise<SafetensorsFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (e) {
      throw openError(e, file);
    }
    try {
      return new SafetensorsFile(file, await readHeader(handle, file), handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  /** Reads and decodes one tensor; `expectedShape` (if given) is checked, before reading, and named in the error. */
  async read(name: string, expectedShape?: readonly number[]): Promise<DecodedTensor> {
    const entry = this.header.tensors.get(name);
    if (!entry) throw new FishTuningError('missing tensor', { file: this.file, tensor: name });
    if (expectedShape && (entry.shape.length !== expectedShape.length || entry.shape.some((d, i) => d !== expectedShape[i]))) {
      throw new FishTuningError(`shape ${JSON.stringify(entry.shape)} does not match the expected ${JSON.stringify(expectedShape)}`, { file: this.file, tensor: name });
    }
    checkReadable(this.file, name, entry);
    const [b, e] = entry.dataOffsets;
    const buf = Buffer.alloc(e - b);
    const { bytesRead } = await this.handle.read(buf, 0, e - b, this.header.dataStart + b);
    if (bytesRead !== e - b) throw new FishTuningError(`read ${bytesRead} of ${e - b} bytes (file truncated?)`, { file: this.file, tensor: name });
    return decodeTensor(entry, new Uint8Array(buf.buffer, buf.byteOffset, buf.length), name, this.file);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Reads the 8-byte length, checks it before allocating, then reads and validates the header. */
async function readHeader(handle: fsp.FileHandle, file: string): Promise<SafetensorsHeader> {
  const { size } = await handle.stat();
  const first = Buffer.alloc(Math.min(8, size));
  await handle.read(first, 0, first.length, 0);
  const n = headerLength(new Uint8Array(first.buffer, first.byteOffset, first.length), size, file);
  const prefix = Buffer.alloc(8 + n);
  const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
  if (bytesRead !== prefix.length) throw new FishTuningError(`read ${bytesRead} of the ${prefix.length} header bytes (file changed while being read?)`, { file });
  return parseHeader(new Uint8Array(prefix.buffer, prefix.byteOffset, prefix.length), size, file);
}

/**
 * A tensor whose dtype and shape come from the header and whose bytes are read on first use of
 * `data`, so that a loader can refuse an unexpected name or shape without reading (or allocating for)
 * the tensor. The read checks that the file is still the one whose header was parsed.
 */
class LazyTensor implements DecodedTensor {
  private decoded: DecodedTensor['data'] | null = null;
  constructor(
    private readonly file: string,
    private readonly name: string,
    private readonly entry: TensorEntry,
    private readonly dataStart: number,
    private readonly identity: Stats,
  ) {}

  get dtype(): SafetensorsDType {
    return this.entry.dtype;
  }

  get shape(): number[] {
    return this.entry.shape;
  }

  get data(): DecodedTensor['data'] {
    if (!this.decoded) this.decoded = this.read();
    return this.decoded;
  }

  set data(value: DecodedTensor['data']) {
    this.decoded = value;
  }

  private read(): DecodedTensor['data'] {
    const { file, name, entry } = this;
    checkReadable(file, name, entry);
    const [b, e] = entry.dataOffsets;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      throw openError(err, file, name);
    }
    try {
      const now = fs.fstatSync(fd);
      if (now.ino !== this.identity.ino || now.dev !== this.identity.dev || now.size !== this.identity.size || now.mtimeMs !== this.identity.mtimeMs) {
        throw new FishTuningError('file changed between reading its header and reading this tensor', { file, tensor: name });
      }
      const buf = Buffer.alloc(e - b);
      const bytesRead = buf.length ? fs.readSync(fd, buf, 0, buf.length, this.dataStart + b) : 0;
      if (bytesRead !== e - b) throw new FishTuningError(`read ${bytesRead} of ${e - b} bytes (file truncated?)`, { file, tensor: name });
      return decodeTensor(entry, new Uint8Array(buf.buffer, buf.byteOffset, buf.length), name, file).data;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Reads a safetensors file's header and returns every tensor, each read from disk the first time its
 * `data` is used: names, dtypes and shapes can be checked before any tensor byte is read.
 */
export async function readSafetensorsFile(file: string): Promise<{ tensors: Map<string, DecodedTensor>; metadata: Record<string, string> }> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (e) {
    throw openError(e, file);
  }
  try {
    const header = await readHeader(handle, file);
    const identity = await handle.stat();
    const tensors = new Map<string, DecodedTensor>();
    for (const [name, entry] of header.tensors) tensors.set(name, new LazyTensor(file, name, entry, header.dataStart, identity));
    return { tensors, metadata: header.metadata };
  } finally {
    await handle.close();
  }
}

export async function writeSafetensorsFile(file: string, tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(file, writeSafetensorsBytes(tensors, metadata));
}

/** Reads a JSON file; the error names the file on a missing file or bad JSON. */
export async function readJsonFile<T = any>(file: string): Promise<T> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new FishTuningError(`invalid JSON (${(e as Error).message})`, { file });
  }
}

export async function writeJsonFileAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
