/** @module @fish-tuning/cli — the fish-tune command, also usable in-process (tests, notebooks). */
export { buildProgram, runCli, type CommandRegistrar } from './program.js';
export { processIO, type CliIO } from './io.js';
export { selectBackend, BACKENDS, type BackendName } from './backend.js';
