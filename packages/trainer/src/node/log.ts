/**
 * The JSONL training log (`log.jsonl`): one record per line, appended as training goes. On resume the
 * records after the checkpoint's step are dropped, so the log reads as if the run had never stopped.
 * @module
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { asDiskWriteError } from '@fish-tuning/core/node';

export class JsonlLog {
  private constructor(
    private readonly handle: fsp.FileHandle,
    readonly file: string,
  ) {}

  /** Opens `file` for appending; with `keepUpToStep` > 0, keeps only earlier records whose step ≤ it. */
  static async open(file: string, keepUpToStep: number): Promise<JsonlLog> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    let kept = '';
    if (keepUpToStep > 0) {
      const old = await fsp.readFile(file, 'utf8').catch(() => '');
      kept = old
        .split('\n')
        .filter((line) => {
          if (!line.trim()) return false;
          try {
            return (JSON.parse(line) as { step?: number }).step! <= keepUpToStep;
          } catch {
            return false;
          }
        })
        .map((line) => line + '\n')
        .join('');
    }
    await fsp.writeFile(file, kept).catch((e: unknown) => {
      throw asDiskWriteError(e, file);
    });
    return new JsonlLog(await fsp.open(file, 'a'), file);
  }

  async append(record: unknown): Promise<void> {
    try {
      await this.handle.appendFile(JSON.stringify(record) + '\n');
    } catch (e) {
      throw asDiskWriteError(e, this.file);
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
