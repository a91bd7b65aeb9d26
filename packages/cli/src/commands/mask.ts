/**
 * `fish-tune mask`: a FISH mask from a Fisher file — exact global top-k (or reverse / random, or
 * per-tensor / per-layer budgets), written as U8 safetensors keyed by PEFT names.
 * @module
 */
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { MASK_BUDGETS, MASK_SELECTIONS, budgetSize, selectMask, type MaskBudget, type MaskSelection } from '@fish-tuning/mask';
import { loadScores, saveMask } from '@fish-tuning/mask/node';
import type { CliIO } from '../io.js';

interface MaskCliOptions {
  fisher: string;
  ratio?: string;
  count?: string;
  select: string;
  budget: string;
  seed: string;
  out: string;
}

export function registerMask(program: Command, io: CliIO): void {
  program
    .command('mask')
    .description('select a FISH mask (exact top-k of Fisher scores) and write it as U8 safetensors')
    .requiredOption('--fisher <file>', 'Fisher file written by `fish-tune fisher`')
    .option('--ratio <r>', 'fraction of all PEFT parameter entries to train, in (0, 1]')
    .option('--count <k>', 'number of entries to train')
    .option('--select <how>', `${MASK_SELECTIONS.join(' | ')}`, 'fish')
    .option('--budget <how>', `${MASK_BUDGETS.join(' | ')}`, 'global')
    .option('--seed <s>', 'seed of --select random', '0')
    .requiredOption('--out <file>', 'output .safetensors file')
    .action(async (o: MaskCliOptions) => {
      if ((o.ratio === undefined) === (o.count === undefined)) throw new FishTuningError('give exactly one of --ratio and --count', { option: '--ratio' });
      if (!(MASK_SELECTIONS as readonly string[]).includes(o.select)) throw new FishTuningError(`unknown selection '${o.select}'; accepted: ${MASK_SELECTIONS.join(', ')}`, { option: '--select' });
      if (!(MASK_BUDGETS as readonly string[]).includes(o.budget)) throw new FishTuningError(`unknown budget '${o.budget}'; accepted: ${MASK_BUDGETS.join(', ')}`, { option: '--budget' });
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new FishTuningError(`expected a non-negative integer, got '${o.seed}'`, { option: '--seed' });
      const ratio = o.ratio === undefined ? undefined : Number(o.ratio);
      const count = o.count === undefined ? undefined : Number(o.count);
      if (ratio !== undefined && !(ratio > 0 && ratio <= 1)) throw new FishTuningError(`must be in (0, 1], got '${o.ratio}'`, { option: '--ratio' });
      if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new FishTuningError(`must be a positive integer, got '${o.count}'`, { option: '--count' });
      const { scores, metadata } = await loadScores(o.fisher, { kind: 'fisher' }).catch((e) => {
        throw e instanceof FishTuningError && e.option === undefined ? new FishTuningError(e.message.replace(/^file '[^']*': /, ''), { file: o.fisher, option: '--fisher' }) : e;
      });
      const total = [...scores.values()].reduce((n, s) => n + s.data.length, 0);
      try {
        budgetSize(total, { ratio, count });
      } catch (e) {
        // Same check as selectMask, reported with the flag's name.
        const flag = ratio !== undefined ? '--ratio' : '--count';
        throw new FishTuningError((e as Error).message.replace(/^option '\w+': /, ''), { option: flag, file: o.fisher });
      }
      const mask = selectMask(scores, {
        ...(ratio !== undefined ? { ratio } : { count }),
        selection: o.select as MaskSelection,
        budget: o.budget as MaskBudget,
        seed,
        metadata: { source_fisher: o.fisher, ...(metadata.samples ? { fisher_samples: metadata.samples } : {}), ...(metadata.estimator ? { fisher_estimator: metadata.estimator } : {}) },
      });
      await saveMask(o.out, mask);
      io.out(`wrote ${o.out}: ${mask.k} of ${mask.total} entries (${((100 * mask.k) / mask.total).toPrecision(4)}%), ${mask.selection}, ${mask.budget}\n`);
    });
}
