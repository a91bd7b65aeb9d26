/** Whether a package entry bundles for the browser: esbuild with platform 'browser' from the TypeScript sources. */
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from './paths.js';

/** Node built-ins a browser bundle of `entry` (repo-relative) would need, or its build errors; empty when it is browser-safe. */
export async function browserBundleProblems(entry: string): Promise<string[]> {
  let result: esbuild.BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [path.join(repoRoot(), entry)],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['@fish-tuning/source'],
      external: ['@tensorflow/*'],
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    // A browser build that cannot resolve Node-only imports (e.g. `fs` in a dependency) fails outright.
    return ((e as esbuild.BuildFailure).errors ?? []).map((x) => x.text);
  }
  return Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node:'));
}
