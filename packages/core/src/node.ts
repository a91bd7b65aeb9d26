/**
 * Node-only file access (kept out of the main entry so that browsers never see `node:fs`):
 * streaming safetensors reads, atomic writes, JSON files with errors that name the file.
 * @module @fish-tuning/core/node
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from './errors.js';
import { decodeTensor, parseHeader, writeSafetensorsBytes, type DecodedTensor, type SafetensorsHeader, type TensorToWrite } from './safetensors.js';

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
      throw new FishTuningError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
    }
    try {
      const { size } = await handle.stat();
      const first = Buffer.alloc(Math.min(8, size));
      await handle.read(first, 0, first.length, 0);
      if (size < 8) throw new FishTuningError(`truncated safetensors: ${size} bytes, need at least 8`, { file });
      const headerLength = Number(first.readBigUInt64LE(0));
      if (8 + headerLength > size) throw new FishTuningError(`header length ${headerLength} runs past the end of the file (${size} bytes)`, { file });
      const prefix = Buffer.alloc(8 + headerLength);
      await handle.read(prefix, 0, prefix.length, 0);
      return new SafetensorsFile(file, parseHeader(new Uint8Array(prefix.buffer, prefix.byteOffset, prefix.length), size, file), handle);
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

  /** Reads and decodes one tensor; `expectedShape` (if given) is checked and named in the error. */
  async read(name: string, expectedShape?: readonly number[]): Promise<DecodedTensor> {
    const entry = this.header.tensors.get(name);
    if (!entry) throw new FishTuningError('missing tensor', { file: this.file, tensor: name });
    if (expectedShape && (entry.shape.length !== expectedShape.length || entry.shape.some((d, i) => d !== expectedShape[i]))) {
      throw new FishTuningError(`shape ${JSON.stringify(entry.shape)} does not match the expected ${JSON.stringify(expectedShape)}`, { file: this.file, tensor: name });
    }
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

/** Reads every tensor of a safetensors file. */
export async function readSafetensorsFile(file: string): Promise<{ tensors: Map<string, DecodedTensor>; metadata: Record<string, string> }> {
  const f = await SafetensorsFile.open(file);
  try {
    const tensors = new Map<string, DecodedTensor>();
    for (const name of f.names()) tensors.set(name, await f.read(name));
    return { tensors, metadata: f.metadata };
  } finally {
    await f.close();
  }
}

/**
 * Writes `bytes` to `file` atomically: a temporary sibling is written and fsynced, then renamed over
 * the target, so a crash leaves either the old file or the new one, never a torn one.
 */
/** Errors that mean the disk (not the program) refused a write. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EIO']);

/** A disk error (ENOSPC, …) as a FishTuningError naming `file` (message `cannot write (CODE)…`); other errors unchanged. */
export function writeError(e: unknown, file: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !DISK_FULL_CODES.has(code)) return e;
  return new FishTuningError(`cannot write (${code}${code === 'ENOSPC' ? ': no space left on the device' : ''})`, { file });
}

export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    // Leave the old file as it was and free what the partial write took.
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(e, file);
  }
  // fsync the directory so the rename itself survives a power cut (best effort: not all platforms allow it).
  try {
    const dir = await fsp.open(path.dirname(file), 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
  } catch {
    /* directories cannot be opened on some platforms */
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
