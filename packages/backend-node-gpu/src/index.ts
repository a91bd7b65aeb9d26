/**
 * @module @fish-tuning/backend-node-gpu — importing this module selects the native TensorFlow backend
 * ('tensorflow', from @tensorflow/tfjs-node-gpu on the CUDA build of libtensorflow 2.21, set up by
 * `pnpm fish-tune setup-native --gpu`). On a machine without a usable GPU (no driver, or the CUDA
 * libraries not found) TensorFlow runs on the CPU: {@link ready} resolves with `gpu: false` and
 * {@link deviceNote} says so. When the addon is missing, {@link ready} rejects with how to set it up.
 */
import '@fish-tuning/core/tfjs-quiet';
// tfjs-core's gradient and chained-op registrations ship only as extension-less ESM files, which
// get bundled next to (not shared with) the package entry that Node resolves. base_side_effects sets
// that bundled copy's tensor op handler, without which tensor.clone() throws inside stock gradients.
import '@tensorflow/tfjs-core/dist/base_side_effects';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { loadNative, type NativeBackendInfo } from '@fish-tuning/backend-node/load-native';

export { BACKEND_NAME, type NativeBackendInfo } from '@fish-tuning/backend-node/load-native';

const MODULE_NAME = '@tensorflow/tfjs-node-gpu';

/** What TensorFlow needs to find at run time for CUDA (see this package's README). */
export const CUDA_LIBRARIES_NOTE =
  'TensorFlow 2.21 needs the NVIDIA driver (libcuda.so.1) and the CUDA 12 libraries of its `and-cuda` extra (pip install "tensorflow[and-cuda]==2.21.0", or the nvidia-*-cu12 wheels) on LD_LIBRARY_PATH';

const selected: Promise<NativeBackendInfo> = loadNative(MODULE_NAME, true, () => import('@tensorflow/tfjs-node-gpu'));
// Reported by ready(); swallowed here so that an unused failed backend does not crash the process.
selected.catch(() => undefined);

/** Resolves once 'tensorflow' is active, with `gpu` saying whether TensorFlow uses a CUDA device. */
export async function ready(): Promise<NativeBackendInfo> {
  return selected;
}

/** A line for the user: on which device the GPU package runs, and what is missing when it is the CPU. */
export function deviceNote(info: NativeBackendInfo): string {
  return info.gpu ? 'tensorflow on a CUDA GPU' : `tensorflow-gpu found no usable GPU and runs on the CPU (${CUDA_LIBRARIES_NOTE})`;
}

/** True when the addon loads here (on a GPU or not). */
export async function isAvailable(): Promise<boolean> {
  return selected.then(
    () => true,
    () => false,
  );
}
