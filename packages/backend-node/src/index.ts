/**
 * @module @fish-tuning/backend-node — importing this module selects the native TensorFlow CPU backend
 * ('tensorflow', from @tensorflow/tfjs-node) once its addon is built by `pnpm fish-tune setup-native`.
 * libtensorflow runs multi-threaded (TF_NUM_INTRAOP_THREADS) with no 4 GiB heap cap. When the addon is
 * missing, {@link ready} rejects with a message saying how to set it up; nothing else breaks.
 */
import '@fish-tuning/core/tfjs-quiet';
// tfjs-core's gradient and chained-op registrations ship only as extension-less ESM files, which
// get bundled next to (not shared with) the package entry that Node resolves. base_side_effects sets
// that bundled copy's tensor op handler, without which tensor.clone() throws inside stock gradients.
import '@tensorflow/tfjs-core/dist/base_side_effects';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { loadNative, type NativeBackendInfo } from './load-native.js';

export { BACKEND_NAME, loadNative, notSetUpMessage, type NativeBackendInfo } from './load-native.js';

const MODULE_NAME = '@tensorflow/tfjs-node';

const selected: Promise<NativeBackendInfo> = loadNative(MODULE_NAME, false, () => import('@tensorflow/tfjs-node'));
// Reported by ready(); swallowed here so that an unused failed backend does not crash the process.
selected.catch(() => undefined);

/** Resolves once 'tensorflow' is active, with what it runs on; rejects with set-up instructions otherwise. */
export async function ready(): Promise<NativeBackendInfo> {
  return selected;
}

/** True when the addon loads here. */
export async function isAvailable(): Promise<boolean> {
  return selected.then(
    () => true,
    () => false,
  );
}
