/**
 * @module @fish-tuning/backend-wasm — importing this module selects the tfjs 'wasm' backend (the Node default: SIMD WebAssembly, single-threaded in Node, heap capped at 4 GiB)
 * and installs what tfjs-core alone lacks: gradient and chained-op registration, fish-tuning's fast
 * matMul gradient and a ScatterNd-based UnsortedSegmentSum (the gradient of embedding lookups).
 * Await {@link ready} before the first op.
 */
import '@fish-tuning/core/tfjs-quiet';
// tfjs-core's gradient and chained-op registrations ship only as extension-less ESM files, which
// get bundled next to (not shared with) the package entry that Node resolves. base_side_effects sets
// that bundled copy's tensor op handler, without which tensor.clone() throws inside stock gradients.
import '@tensorflow/tfjs-core/dist/base_side_effects';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { installBackendFixes } from '@fish-tuning/core';

export const BACKEND_NAME = 'wasm';

installBackendFixes(BACKEND_NAME, { sharedIdentity: true, batchedMatMul: true });

const selected: Promise<void> = tf.setBackend(BACKEND_NAME).then((ok) => {
  if (!ok) throw new Error(`@fish-tuning/backend-wasm: the 'wasm' backend failed to initialise`);
});
// Reported by ready(); swallowed here so that an unused failed backend does not crash the process.
selected.catch(() => undefined);

/** Resolves once the 'wasm' backend is active. */
export async function ready(): Promise<void> {
  await selected;
  await tf.ready();
}
