/**
 * The frozen-prefix activation cache on disk: one raw float32 file per example.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ActivationStore } from '../activation-cache.js';

/** One raw float32 file per example under `dir`, up to `maxBytes` on disk. */
export class DiskActivationStore implements ActivationStore {
  private readonly present = new Set<number>();
  bytes = 0;
  constructor(readonly dir: string, readonly maxBytes: number) {
    fs.mkdirSync(dir, { recursive: true });
  }
  private file(index: number): string {
    return path.join(this.dir, `${index}.f32`);
  }
  get(index: number): Float32Array | undefined {
    if (!this.present.has(index)) return undefined;
    const buf = fs.readFileSync(this.file(index));
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }
  set(index: number, rows: Float32Array): boolean {
    if (this.present.has(index)) return true;
    if (this.bytes + rows.byteLength > this.maxBytes) return false;
    fs.writeFileSync(this.file(index), new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    this.present.add(index);
    this.bytes += rows.byteLength;
    return true;
  }
  get size(): number {
    return this.present.size;
  }
  clear(): void {
    for (const i of this.present) fs.rmSync(this.file(i), { force: true });
    this.present.clear();
    this.bytes = 0;
  }
}
