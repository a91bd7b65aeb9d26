/** Types of native-setup.mjs (plain JavaScript so that CI runs it without a build). */
export declare const TF_VERSION: string;
export type NativeSetupMissing = 'package' | 'pip' | 'compiler' | 'headers' | 'download' | 'build' | 'load';
export declare class NativeSetupError extends Error {
  constructor(message: string, missing: NativeSetupMissing);
  readonly missing: NativeSetupMissing;
}
export declare function flavour(gpu: boolean): { npmPackage: string; pipPackage: string; key: string };
export declare function nativeCacheDir(gpu?: boolean, env?: Record<string, string | undefined>): string;
export declare function findTfjsNodePackage(gpu?: boolean, fromDir?: string): string | null;
export declare function bindingPath(packageDir: string): string;
export declare function isSetUp(packageDir: string): boolean;
export interface NativeProbe {
  backend: string;
  tf: string;
  libtensorflow: string;
  gpu: boolean;
  ok: boolean;
}
export declare function probe(packageDir: string): NativeProbe;
export interface SetupNativeOptions {
  gpu?: boolean;
  packageDir?: string | null;
  cacheDir?: string;
  force?: boolean;
  log?: (line: string) => void;
}
export interface SetupNativeResult extends NativeProbe {
  packageDir: string;
  cacheDir: string;
  binding: string;
  built: boolean;
}
export declare function setupNative(options?: SetupNativeOptions): SetupNativeResult;
