/**
 * @module @fish-tuning/backend-node-gpu — selects tfjs-node-gpu (CUDA through libtensorflow) when the
 * optional peer `@tensorflow/tfjs-node-gpu` is installed. Its install script downloads libtensorflow,
 * so it cannot be installed on machines without internet access; {@link ready} then rejects with a
 * message saying so, and the rest of fish-tuning keeps working on the wasm or cpu backend.
 */
import '@fish-tuning/core/tfjs-quiet';
// tfjs-core's gradient and chained-op registrations ship only as extension-less ESM files, which
// get bundled next to (not shared with) the package entry that Node resolves. base_side_effects sets
// that bundled copy's tensor op handler, without which tensor.clone() throws inside stock gradients.
import '@tensorflow/tfjs-core/dist/base_side_effects';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import { installBackendFixes } from '@fish-tuning/core';

export const BACKEND_NAME = 'tensorflow';

export const UNAVAILABLE_MESSAGE =
  '@fish-tuning/backend-node-gpu needs the optional peer @tensorflow/tfjs-node-gpu (npm i @tensorflow/tfjs-node-gpu@4.22.0 on a machine with CUDA and internet access for its libtensorflow download)';

const MODULE_NAME = '@tensorflow/tfjs-node-gpu';

const selected: Promise<void> = (async () => {
  try {
    await import(/* @vite-ignore */ MODULE_NAME);
  } catch (e) {
    throw new Error(`${UNAVAILABLE_MESSAGE}: ${(e as Error).message}`);
  }
  // libtensorflow has its own fast gradients and kernels; only the gradient override applies.
  installBackendFixes(BACKEND_NAME, { segmentSum: false });
  if (!(await tf.setBackend(BACKEND_NAME))) throw new Error(`@fish-tuning/backend-node-gpu: the '${BACKEND_NAME}' backend failed to initialise`);
})();
selected.catch(() => undefined);

/** Resolves once tfjs-node-gpu is active; rejects with UNAVAILABLE_MESSAGE when it is not installed. */
export async function ready(): Promise<void> {
  await selected;
  await tf.ready();
}

/** True when the optional peer can be loaded here. */
export async function isAvailable(): Promise<boolean> {
  return selected.then(
    () => true,
    () => false,
  );
}
