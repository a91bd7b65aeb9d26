/**
 * The page: picks the backend (WebGPU → WebAssembly) and says which one runs, switches between the two
 * modes, and runs every action with the buttons gated and errors shown. The work is in stories-page.ts and
 * classify-page.ts; the method itself in pipeline.ts.
 * @module
 */
import { chooseBackend } from './backend';
import { refreshStories, wireStories } from './stories-page';
import { refreshClassify, wireClassify } from './classify-page';
import { state } from './state';
import { $ } from './ui';

function refresh(): void {
  refreshStories();
  refreshClassify();
}

function showError(message: string): void {
  state.errors.push(message);
  const el = $('error');
  el.textContent = `Error: ${message}`;
  el.hidden = false;
}

/** Wraps an action: marks the page busy (every button says so), shows errors, re-enables afterwards. */
function action(name: string, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (state.busy) return;
    state.busy = name;
    $('error').hidden = true;
    refresh();
    try {
      await fn();
    } catch (e) {
      showError((e as Error).message);
      console.error(e);
    } finally {
      state.busy = null;
      refresh();
    }
  };
}

function showMode(mode: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-mode]')) {
    const on = tab.dataset.mode === mode;
    tab.setAttribute('aria-selected', String(on));
    $(`mode-${tab.dataset.mode}`).hidden = !on;
  }
}

for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-mode]')) tab.addEventListener('click', () => showMode(tab.dataset.mode!));
wireStories(action);
wireClassify(action);
refresh();

chooseBackend().then(
  (b) => {
    state.backend = b;
    const notice = $('backend');
    if (b.name === 'webgpu') {
      notice.className = b.software ? 'notice warn' : 'notice ok';
      $('c-software').hidden = !b.software;
      notice.textContent = b.software
        ? `Running on WebGPU with a software adapter (${b.adapter}): it emulates a GPU on the CPU, roughly 1000× slower than a real one. The default sizes below are chosen for it; expect minutes.`
        : `Running on WebGPU (${b.adapter}).`;
    } else {
      notice.className = 'notice warn';
      notice.textContent = `WebGPU is not used (${b.whyNotWebgpu}); running on WebAssembly (CPU, SIMD) instead.`;
    }
    refresh();
  },
  (e) => {
    state.backendError = (e as Error).message;
    $('backend').className = 'notice bad';
    $('backend').textContent = `No backend could start: ${(e as Error).message}`;
    refresh();
  },
);
