/**
 * `fish-tune setup-native [--gpu]`: builds the native TensorFlow backend (tfjs-node on libtensorflow 2.21
 * from PyPI) once per machine; the steps live in @fish-tuning/backend-node/setup, shared with
 * scripts/setup-native.mjs (CI runs that without building the CLI).
 * @module
 */
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { NativeSetupError, findTfjsNodePackage, setupNative } from '@fish-tuning/backend-node/setup';
import type { CliIO } from '../io.js';

interface SetupNativeOptions {
  gpu?: boolean;
  force?: boolean;
  ifPossible?: boolean;
}

export function registerSetupNative(program: Command, io: CliIO): void {
  program
    .command('setup-native')
    .description('build the native TensorFlow backend from PyPI’s TensorFlow 2.21 wheel (cached outside the repository); prints each step')
    .option('--gpu', 'the CUDA build (@tensorflow/tfjs-node-gpu on tensorflow==2.21.0) instead of the CPU one')
    .option('--force', 'rebuild the addon even when it is set up')
    .option('--if-possible', 'when a prerequisite is missing, say so and exit 0 (commands then run on wasm)')
    .action(async (o: SetupNativeOptions) => {
      const gpu = o.gpu === true;
      const from = gpu ? path.dirname(createRequire(import.meta.url).resolve('@fish-tuning/backend-node-gpu/package.json')) : undefined;
      try {
        setupNative({ gpu, packageDir: findTfjsNodePackage(gpu, from), force: o.force === true, log: (line) => io.out(`${line}\n`) });
      } catch (e) {
        if (!(e instanceof NativeSetupError)) throw e;
        if (!o.ifPossible) throw new FishTuningError(`setup-native: ${e.message}`, { option: gpu ? '--gpu' : undefined });
        io.err(`setup-native: ${e.message}\nsetup-native: continuing without it: commands use the wasm backend\n`);
      }
    });
}
