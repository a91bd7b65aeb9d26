/**
 * `fish-tune generate`: greedy or sampled continuation from a model directory (llama2.c or HF layout).
 * Implemented with the models package (placeholder until the Llama loader lands).
 * @module
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function registerGenerate(program: Command, io: CliIO): void {
  program
    .command('generate')
    .description('generate text with a causal LM (llama2.c .bin + tokenizer, or a Hugging Face directory)')
    .requiredOption('--model <path>', 'model directory or .bin file')
    .option('--prompt <text>', 'text to continue (default: start from BOS)', '')
    .option('--max-new-tokens <n>', 'tokens to generate', '80')
    .option('--temperature <t>', '0 = greedy', '0')
    .action(async () => {
      io.err('generate: not implemented yet\n');
      throw new Error('generate is not implemented yet');
    });
}
