/**
 * One flag vocabulary across commands. Old spellings stay for one release as hidden aliases: they do
 * not show in --help, map onto the new flag, and print a deprecation note on stderr.
 * @module
 */
import { Option, type Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import type { CliIO } from './io.js';

interface Alias {
  old: string;
  flag: string;
}

const ALIASES = new WeakMap<Command, Alias[]>();

/** Commander's attribute name of a flag (`--fisher-samples` → `fisherSamples`). */
function keyOf(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Adds `old` (e.g. '--mask <how>') as a hidden, deprecated spelling of `flag` (e.g. '--select'). */
export function hiddenAlias(cmd: Command, old: string, flag: string): Command {
  const name = old.split(' ')[0];
  cmd.addOption(new Option(old, `deprecated: use ${flag}`).hideHelp());
  ALIASES.set(cmd, [...(ALIASES.get(cmd) ?? []), { old: name, flag }]);
  return cmd;
}

/** Moves the values of deprecated spellings onto their new flags (once per run), with a note on stderr. */
export function resolveAliases(cmd: Command, io: CliIO): void {
  for (const { old, flag } of ALIASES.get(cmd) ?? []) {
    const oldKey = keyOf(old);
    const value = cmd.getOptionValue(oldKey);
    if (value === undefined) continue;
    const source = cmd.getOptionValueSource(keyOf(flag));
    if (source !== undefined && source !== 'default') throw new FishTuningError(`${old} is the old spelling of ${flag}; give only ${flag}`, { option: old });
    cmd.setOptionValueWithSource(keyOf(flag), value, 'cli');
    cmd.setOptionValue(oldKey, undefined);
    io.err(`fish-tune: ${old} is deprecated and will be removed in the next release; use ${flag}\n`);
  }
}

/** Library option names → the flag a CLI user typed (errors name flags, never library options). */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = Object.freeze({
  dataDir: '--data-dir',
  outDir: '--out',
  resume: '--resume',
  resumeFrom: '--resume',
  overwrite: '--overwrite',
  ratio: '--ratio',
  count: '--count',
  samples: '--fisher-samples',
  budget: '--budget',
  select: '--select',
  mask: '--select',
  estimator: '--estimator',
  chunkSize: '--chunk-size',
  init_lora_weights: '--init',
  r: '--rank',
  lora_alpha: '--alpha',
  lora_dropout: '--lora-dropout',
  target_modules: '--targets',
  num_virtual_tokens: '--virtual-tokens',
  maxSteps: '--max-steps',
  epochs: '--epochs',
  lr: '--lr',
  batchSize: '--batch-size',
  gradAccumulation: '--grad-accumulation',
  maxTokensPerMicroBatch: '--max-tokens',
  evalEvery: '--eval-every',
  checkpointEvery: '--checkpoint-every',
  weightDecay: '--weight-decay',
  warmupRatio: '--warmup-ratio',
  optimizer: '--optimizer',
  schedule: '--schedule',
  activationCache: '--activation-cache',
});

/** The same error about the flag instead of the library option, when there is one (`local`: a command's own names first). */
export function aboutFlag(e: FishTuningError, local: Readonly<Record<string, string>> = {}): FishTuningError {
  const own = (table: Readonly<Record<string, string>>) => (e.option !== undefined && Object.prototype.hasOwnProperty.call(table, e.option) ? table[e.option] : undefined);
  const flag = own(local) ?? own(FLAG_OF_OPTION);
  if (!flag) return e;
  return new FishTuningError(e.reason, { ...(e.file !== undefined ? { file: e.file } : {}), ...(e.tensor !== undefined ? { tensor: e.tensor } : {}), option: flag });
}
