import type { Options } from 'tsup';

/** One build recipe for every package: ESM + CJS + .d.ts, tfjs-core kept external (a peer). */
/**
 * For Node-only packages that bundle tfjs-core's dist files: those call `require('util')` (platform_node),
 * which an ESM bundle can only do through a real `require`.
 */
export const nodeRequireBanner: Options['banner'] = (ctx) =>
  ctx.format === 'esm' ? { js: "import { createRequire as __fishCreateRequire } from 'node:module'; const require = __fishCreateRequire(import.meta.url);" } : {};

export function packageBuild(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    // tfjs-core's dist/ side-effect modules are extension-less ESM that plain Node cannot resolve: bundle them.
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
    ...overrides,
  };
}
