/**
 * Backend choice for the CLI (`--backend`, default `auto`): @fish-tuning/backend-auto's selection, printed by
 * every command that runs a model, with errors naming the flag.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import { BACKEND_CHOICES, selectBackend as select, type BackendChoice, type SelectedBackend } from '@fish-tuning/backend-auto/select';

export { defaultMaxTokens, fastestInstalled as autoBackend, nativeInstalled, type SelectedBackend } from '@fish-tuning/backend-auto/select';
export const BACKENDS = BACKEND_CHOICES;
export type BackendName = BackendChoice;

/** Selects `name` ('auto' by default), prints "backend: …" through `log` and returns what was selected. */
export async function selectBackend(name = 'auto', log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SelectedBackend> {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new FishTuningError(`unknown backend '${name}'; accepted: ${BACKENDS.join(', ')}`, { option: '--backend' });
  }
  let selected: SelectedBackend;
  try {
    selected = await select(name as BackendChoice, (why) => log(`backend: ${why}`));
  } catch (e) {
    throw new FishTuningError((e as Error).message, { option: '--backend' });
  }
  log(`backend: ${selected.description}`);
  return selected;
}
