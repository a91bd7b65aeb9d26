/**
 * Parses a Hugging Face `glue` split stored as Parquet (the `refs/convert/parquet` files), with hyparquet.
 * @module
 */
import { parquetReadObjects } from 'hyparquet';
import { FishTuningError } from '@fish-tuning/core';
import type { GlueExample } from '../example.js';
import type { GlueTaskSpec } from '../tasks.js';
import { exampleFromHfRow } from './row.js';

/** Every example in the Parquet `bytes`, in order. STS-B's float32 scores are restored to decimals. */
export async function parseGlueParquet(spec: GlueTaskSpec, bytes: ArrayBuffer, file = '<parquet>'): Promise<GlueExample[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: bytes });
  } catch (e) {
    throw new FishTuningError(`not a readable Parquet file: ${(e as Error).message}`, { file });
  }
  return rows.map((row, i) => exampleFromHfRow(spec, row, { file, row: i }, true));
}
