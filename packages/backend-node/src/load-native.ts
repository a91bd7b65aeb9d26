/**
 * Shared by @fish-tuning/backend-node and -node-gpu: loads a tfjs-node flavour (which registers the
 * 'tensorflow' backend backed by libtensorflow), installs the one fix it needs and selects it.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { installBackendFixes } from '@fish-tuning/core';

export const BACKEND_NAME = 'tensorflow';

/** What the loaded native backend runs on. */
export interface NativeBackendInfo {
  backend: typeof BACKEND_NAME;
  /** '@tensorflow/tfjs-node' or '@tensorflow/tfjs-node-gpu'. */
  package: string;
  /** TensorFlow version of the loaded C library (TF_Version()). */
  libtensorflow: string;
  /** True when TensorFlow placed ops on a CUDA device. */
  gpu: boolean;
}

interface TensorflowBackend {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

/** The sentence shown when the addon is not built: what to run, and that wasm still works. */
export function notSetUpMessage(moduleName: string, gpu: boolean, cause: string): string {
  return `${moduleName} is not set up (${cause.split('\n')[0]}). Run \`pnpm fish-tune setup-native${gpu ? ' --gpu' : ''}\` (or \`node scripts/setup-native.mjs${gpu ? ' --gpu' : ''}\`): it builds the addon against the TensorFlow C API from PyPI. Until then the wasm backend is used.`;
}

/**
 * Imports `moduleName` through `load` (a literal `import('…')` in the caller, so bundlers resolve it from
 * the right package) and selects 'tensorflow'. Rejects with {@link notSetUpMessage} when the package or
 * its addon is missing. libtensorflow 2.21 logs two or three start-up lines (oneDNN, CUDA) through absl before
 * TF_CPP_MIN_LOG_LEVEL applies; they are harmless.
 */
export async function loadNative(moduleName: string, gpu: boolean, load: () => Promise<unknown>): Promise<NativeBackendInfo> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // tfjs-node's bundled tfjs registers the 'node' platform again; IS_TEST silences that warning (as tfjs-quiet does).
  const quiet = tf.env().getBool('IS_TEST');
  tf.env().set('IS_TEST', true);
  try {
    await load();
  } catch (e) {
    throw new Error(notSetUpMessage(moduleName, gpu, (e as Error).message));
  } finally {
    tf.env().set('IS_TEST', quiet);
  }
  // libtensorflow has native UnsortedSegmentSum and transposed MatMul kernels: of the project's fixes only
  // the matMul gradient is shared (it is global in tfjs), and it keeps transpose flags on this backend.
  installBackendFixes(BACKEND_NAME, { segmentSum: false, explicitTranspose: false });
  if (!(await tf.setBackend(BACKEND_NAME))) throw new Error(`${moduleName}: the '${BACKEND_NAME}' backend failed to initialise`);
  await tf.ready();
  const backend = tf.engine().findBackend(BACKEND_NAME) as unknown as TensorflowBackend;
  return {
    backend: BACKEND_NAME,
    package: moduleName,
    libtensorflow: backend.binding?.TF_Version ?? 'unknown',
    gpu: backend.isUsingGpuDevice === true,
  };
}
