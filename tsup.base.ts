import type { Options } from 'tsup';

/** One build recipe for every package: ESM + CJS + .d.ts, tfjs-core kept external (a peer). */
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
