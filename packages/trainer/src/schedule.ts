/**
 * Learning-rate schedules with linear warm-up, with Hugging Face `transformers` semantics: the update
 * with 0-based index `step` uses `lr · factor(step)`, and warm-up lasts `ceil(warmupRatio · totalSteps)`.
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';

export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export interface ScheduleOptions {
  schedule: ScheduleName;
  /** Peak learning rate. */
  lr: number;
  /** Number of optimizer updates in the whole run. */
  totalSteps: number;
  /** Fraction of totalSteps spent warming up linearly from 0 (default 0). */
  warmupRatio?: number;
}

export function warmupSteps(options: ScheduleOptions): number {
  return Math.ceil((options.warmupRatio ?? 0) * options.totalSteps);
}

/** A function from the 0-based update index to its learning rate. */
export function learningRateSchedule(options: ScheduleOptions): (step: number) => number {
  const { schedule, lr, totalSteps } = options;
  if (!(SCHEDULES as readonly string[]).includes(schedule)) {
    throw new FishTuningError(`unknown schedule '${schedule}'; accepted: ${SCHEDULES.join(', ')}`, { option: 'schedule' });
  }
  const ratio = options.warmupRatio ?? 0;
  if (!(ratio >= 0 && ratio <= 1)) throw new FishTuningError(`warm-up ratio must be in [0, 1], got ${ratio}`, { option: 'warmupRatio' });
  if (!(lr >= 0 && Number.isFinite(lr))) throw new FishTuningError(`learning rate must be a finite number ≥ 0, got ${lr}`, { option: 'lr' });
  const warm = warmupSteps(options);
  return (step: number) => {
    if (step < warm) return (lr * step) / Math.max(1, warm);
    if (schedule === 'constant') return lr;
    const progress = (step - warm) / Math.max(1, totalSteps - warm);
    if (schedule === 'linear') return lr * Math.max(0, 1 - progress);
    return lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
  };
}
