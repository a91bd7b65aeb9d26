/**
 * @module @fish-tuning/backend-auto — importing this module selects the fastest installed backend in Node:
 * native TensorFlow with CUDA when a GPU is present, native TensorFlow on the CPU, then wasm (set the native
 * ones up with `fish-tune setup-native [--gpu]`). Await {@link ready}: it resolves with what was selected.
 * For an explicit choice without this side effect, use `@fish-tuning/backend-auto/select`.
 */
import { selectBackend, type SelectedBackend } from './select.js';

export { BACKEND_CHOICES, defaultMaxTokens, fastestInstalled, nativeInstalled, selectBackend, type BackendChoice, type SelectedBackend } from './select.js';

const selected: Promise<SelectedBackend> = selectBackend('auto');
// Reported by ready(); swallowed here so that an unused failed selection does not crash the process.
selected.catch(() => undefined);

/** Resolves once the fastest installed backend is active, with its name and a description for the user. */
export async function ready(): Promise<SelectedBackend> {
  return selected;
}
