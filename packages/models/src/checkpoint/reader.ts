/**
 * The loading discipline every Hugging Face architecture goes through: a checkpoint (one
 * `model.safetensors` or the shards of `model.safetensors.index.json`) is opened once, tensors are
 * taken one at a time (shape checked, F32/F16/BF16 decoded to f32, NaN/Inf refused, each naming its
 * file and tensor), and at the end every tensor that was neither taken nor on the architecture's
 * documented ignore list is an error. Nothing is read twice and only one tensor's bytes are held at a
 * time beyond the model itself (see docs/models.md for the measured peak).
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FishTuningError } from '@fish-tuning/core';
import { SafetensorsFile, readJsonFile } from '@fish-tuning/core/node';

/** A checkpoint tensor the model legitimately does not use, with the reason (shown in docs and errors). */
export interface IgnoreRule {
  pattern: RegExp;
  reason: string;
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);
const exists = (p: string) => fsp.stat(p).then(() => true, () => false);

export class CheckpointReader {
  private readonly used = new Set<string>();

  private constructor(
    /** The directory (named in errors about the checkpoint as a whole). */
    readonly dir: string,
    /** Tensor name → the open file holding it. */
    private readonly location: Map<string, SafetensorsFile>,
    private readonly opened: SafetensorsFile[],
  ) {}

  /** Opens `dir`/model.safetensors, or every shard named by `dir`/model.safetensors.index.json. */
  static async open(dir: string): Promise<CheckpointReader> {
    const single = path.join(dir, 'model.safetensors');
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    const opened: SafetensorsFile[] = [];
    const location = new Map<string, SafetensorsFile>();
    try {
      if (await exists(single)) {
        const f = await SafetensorsFile.open(single);
        opened.push(f);
        for (const name of f.names()) location.set(name, f);
      } else if (await exists(indexFile)) {
        const index = await readJsonFile<{ weight_map?: unknown }>(indexFile);
        const map = index.weight_map;
        if (!map || typeof map !== 'object' || Array.isArray(map)) throw new FishTuningError("missing or invalid 'weight_map'", { file: indexFile, option: 'weight_map' });
        const entries = Object.entries(map as Record<string, unknown>);
        const shards = new Map<string, SafetensorsFile>();
        for (const [name, shard] of entries) {
          if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\') || shard === '..') {
            throw new FishTuningError(`weight_map entry ${JSON.stringify(shard)} is not a file name in the checkpoint directory`, { file: indexFile, tensor: name });
          }
          if (!shards.has(shard)) {
            const f = await SafetensorsFile.open(path.join(dir, shard));
            opened.push(f);
            shards.set(shard, f);
          }
          const f = shards.get(shard)!;
          if (!f.has(name)) throw new FishTuningError(`listed in weight_map under '${shard}' but not in that file`, { file: indexFile, tensor: name });
        }
        // Every tensor of every shard belongs to the checkpoint, listed in the index or not.
        for (const f of opened) {
          for (const name of f.names()) {
            const other = location.get(name);
            if (other) throw new FishTuningError(`tensor is stored twice (also in '${other.file}')`, { file: f.file, tensor: name });
            location.set(name, f);
          }
        }
      } else {
        let other: string | undefined;
        for (const n of ['pytorch_model.bin', 'tf_model.h5', 'model.ckpt.index']) if (!other && (await exists(path.join(dir, n)))) other = n;
        throw new FishTuningError(
          `neither model.safetensors nor model.safetensors.index.json found (only safetensors checkpoints load; convert ${other ?? 'other formats'} with safetensors' save_file)`,
          { file: dir },
        );
      }
    } catch (e) {
      for (const f of opened) await f.close();
      throw e;
    }
    return new CheckpointReader(dir, location, opened);
  }

  /** Every tensor name in the checkpoint. */
  names(): string[] {
    return [...this.location.keys()];
  }

  has(name: string): boolean {
    return this.location.has(name);
  }

  /** The file holding `name` (for error messages); when absent, the single checkpoint file, or the directory of a sharded one. */
  fileOf(name: string): string {
    return this.location.get(name)?.file ?? (this.opened.length === 1 ? this.opened[0].file : this.dir);
  }

  shapeOf(name: string): number[] | undefined {
    return this.location.get(name)?.header.tensors.get(name)?.shape;
  }

  /**
   * Reads `name` as a float32 tensor of exactly `shape`; `why` explains a shape mismatch (e.g. the config
   * fields the shape comes from). The tensor is marked used.
   */
  async take(name: string, shape: readonly number[], why?: string): Promise<tf.Tensor> {
    const f = this.location.get(name);
    if (!f) throw new FishTuningError(`missing tensor (the model needs it${why ? `; ${why}` : ''})`, { file: this.fileOf(name), tensor: name });
    const entry = f.header.tensors.get(name)!;
    if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
      throw new FishTuningError(`shape ${JSON.stringify(entry.shape)} does not match the expected ${JSON.stringify(shape)}${why ? ` (${why})` : ''}: config.json disagrees with the weights`, {
        file: f.file,
        tensor: name,
      });
    }
    if (!FLOAT_DTYPES.has(entry.dtype)) throw new FishTuningError(`dtype ${entry.dtype} is not a weight dtype (F32, F16 or BF16)`, { file: f.file, tensor: name });
    const decoded = await f.read(name);
    const data = decoded.data as Float32Array;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new FishTuningError(`holds a non-finite value (${data[i]}) at flat index ${i}: the checkpoint is corrupt or overflowed`, { file: f.file, tensor: name });
      }
    }
    this.used.add(name);
    return tf.tensor(data, [...shape], 'float32');
  }

  /** Marks `name` as deliberately consumed without reading it (e.g. a tied copy that is checked elsewhere). */
  markUsed(name: string): void {
    this.used.add(name);
  }

  /** Tensors neither taken nor matched by `ignore`. */
  unused(ignore: readonly IgnoreRule[] = []): string[] {
    return this.names().filter((n) => !this.used.has(n) && !ignore.some((r) => r.pattern.test(n)));
  }

  /**
   * Throws on the first tensor that was neither used nor ignored, naming its file. With `numLayers`, a
   * tensor of a layer beyond it is reported as a num_hidden_layers disagreement.
   */
  checkAllUsed(ignore: readonly IgnoreRule[], what: string, numLayers?: number): void {
    const left = this.unused(ignore);
    if (left.length) this.refuse(left, what, numLayers);
  }

  /** Like checkAllUsed before reading anything: every tensor must be in `expected` or ignored. */
  checkOnly(expected: ReadonlySet<string>, ignore: readonly IgnoreRule[], what: string, numLayers?: number): void {
    const left = this.names().filter((n) => !expected.has(n) && !this.used.has(n) && !ignore.some((r) => r.pattern.test(n)));
    if (left.length) this.refuse(left, what, numLayers);
  }

  private refuse(left: string[], what: string, numLayers?: number): never {
    const more = left.length > 1 ? ` (and ${left.length - 1} more: ${left.slice(1, 6).join(', ')}${left.length > 6 ? ', …' : ''})` : '';
    const layer = /(?:^|\.)layers?\.(\d+)\./.exec(left[0]);
    const hint = numLayers !== undefined && layer && Number(layer[1]) >= numLayers ? ` — config.json's num_hidden_layers is ${numLayers} but the checkpoint has layer ${layer[1]}` : '';
    throw new FishTuningError(`unknown tensor: ${what} does not use it and it is on no ignore list${hint}${more}; refusing to load a checkpoint that does not match its config`, {
      file: this.fileOf(left[0]),
      tensor: left[0],
    });
  }

  async close(): Promise<void> {
    for (const f of this.opened) await f.close();
  }
}

/**
 * Reads every tensor `shapes` lists into a Map (disposing everything on the first error), then checks
 * that nothing else is left. The common path of the decoder and ModernBERT loaders.
 */
export async function takeAll(
  reader: CheckpointReader,
  shapes: ReadonlyMap<string, number[]>,
  ignore: readonly IgnoreRule[],
  what: string,
  options: { why?: (name: string) => string | undefined; numLayers?: number } = {},
): Promise<Map<string, tf.Tensor>> {
  const out = new Map<string, tf.Tensor>();
  try {
    // Unknown tensors first: a config with too few layers is reported as such, not as the first misshaped tensor.
    reader.checkOnly(new Set(shapes.keys()), ignore, what, options.numLayers);
    for (const [name, shape] of shapes) out.set(name, await reader.take(name, shape, options.why?.(name)));
    reader.checkAllUsed(ignore, what, options.numLayers);
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}

