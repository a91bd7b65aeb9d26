/**
 * The `fish-tune` command line: one file per sub-command under commands/, registered here.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { processIO, type CliIO } from './io.js';
import { aboutFlag } from './aliases.js';
import { CLI_VERSION } from './version.js';
import { registerGenerate } from './commands/generate.js';
import { registerEval } from './commands/eval.js';
import { registerParams } from './commands/params.js';
import { registerFisher } from './commands/fisher.js';
import { registerMask } from './commands/mask.js';
import { registerTrain } from './commands/train.js';
import { registerReproduce } from './commands/reproduce/command.js';
import { registerDemo } from './commands/demo.js';
import { registerInfo } from './commands/info.js';
import { registerSetupNative } from './commands/setup-native.js';
import { registerMerge } from './commands/merge.js';

export type CommandRegistrar = (program: Command, io: CliIO) => void;

/** Sub-commands in the order `--help` lists them. */
const COMMANDS: CommandRegistrar[] = [registerDemo, registerGenerate, registerEval, registerFisher, registerMask, registerTrain, registerMerge, registerParams, registerInfo, registerReproduce, registerSetupNative];

export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('fish-tune')
    .description('FISH-Tuning: Fisher-information masks inside parameter-efficient fine-tuning')
    .version(CLI_VERSION, '--version', 'print the fish-tune version')
    .option('--backend <name>', 'tfjs backend: auto (fastest installed: tensorflow-gpu > tensorflow > wasm) | tensorflow-gpu | tensorflow | wasm | cpu', 'auto')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI on `argv` (without node and script); returns the exit code instead of exiting. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof FishTuningError) {
      io.err(`fish-tune: ${aboutFlag(e).message}\n`);
      return 2;
    }
    io.err(`fish-tune: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
