/**
 * DoRA merge/unmerge: lora's, which calls DoraLinear's mergedWeight (m/‖W + s·BA‖)·(W + s·BA) and its
 * exact inverse (the norm at merge time is kept by the layer).
 * @module
 */
import { mergeLora, unmergeLora } from '@fish-tuning/lora';
import type { DoraAdapter } from './inject.js';

export function mergeDora(adapter: DoraAdapter): void {
  mergeLora(adapter);
}

export function unmergeDora(adapter: DoraAdapter): void {
  unmergeLora(adapter);
}
