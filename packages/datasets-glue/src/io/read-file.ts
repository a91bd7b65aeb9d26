/**
 * Reads one local GLUE file in a given format (Node only).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';
import type { GlueFormat } from '../example.js';
import { parseGlueJsonl } from './jsonl.js';
import { parseGlueParquet } from './parquet.js';
import { parseGlueTsv } from './tsv.js';

/** Every example in `file`, parsed as `format`. */
export async function readGlueFile(spec: GlueTaskSpec, file: string, format: GlueFormat): Promise<GlueExample[]> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new FishTuningError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  if (format === 'parquet') {
    return parseGlueParquet(spec, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, file);
  }
  const text = buf.toString('utf8');
  return format === 'jsonl' ? parseGlueJsonl(spec, text, file) : parseGlueTsv(spec, text, file);
}
