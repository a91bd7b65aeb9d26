/**
 * What the page keeps between runs, and what it exposes as `window.__fish` for the headless test and for
 * anyone curious in the console (plain data only).
 * @module
 */
import type { BackendInfo } from './backend';

export interface StoriesRecord {
  id: number;
  label: string;
  settings: Record<string, unknown>;
  before: string;
  after: string;
  losses: number[];
  k: number;
  total: number;
  changed: number;
  outsideMask: number;
  /** The first training sentence's ids and the trained model's logits on them, for checking the download. */
  probeIds: number[];
  probeLogits: number[];
  /** The base model's logits on the same ids (before the adapter). */
  probeBaseLogits: number[];
  times: Record<string, number>;
  stepsPerSecond: number;
  zipName: string;
}

export interface ClassifyRecord {
  id: number;
  label: string;
  settings: Record<string, unknown>;
  accuracyBefore: number;
  accuracyAfter: Record<'fish' | 'random', number>;
  losses: Record<'fish' | 'random', number[]>;
  times: Record<string, number>;
  stepsPerSecond: number;
  zipName: string;
}

export interface PageState {
  backend: BackendInfo | null;
  backendError: string | null;
  busy: string | null;
  stories: StoriesRecord[];
  classify: ClassifyRecord[];
  errors: string[];
}

export const state: PageState = { backend: null, backendError: null, busy: null, stories: [], classify: [], errors: [] };
(globalThis as unknown as { __fish: PageState }).__fish = state;

/** Zips by run label, kept for the download buttons of earlier runs. */
export const zips = new Map<string, Uint8Array>();
