/** @module Where the repository and the read-only shared data live. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repoRoot: pnpm-workspace.yaml not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** A path under ../shared (data, models), next to the repository as in CI. */
export function sharedPath(...parts: string[]): string {
  return path.resolve(repoRoot(), '..', 'shared', ...parts);
}

export function hasShared(...parts: string[]): boolean {
  return fs.existsSync(sharedPath(...parts));
}

/** The ignored model cache filled by scripts/fetch-models.sh. */
export function modelCachePath(...parts: string[]): string {
  return path.join(repoRoot(), '.cache', 'models', ...parts);
}
