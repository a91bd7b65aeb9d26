/**
 * `fish-tune generate`: greedy or sampled continuation from a model directory (llama2.c or HF layout).
 * Prints the continuation followed by a newline.
 * @module
 */
import type { Command } from 'commander';
import { FishTuningError } from '@fish-tuning/core';
import { generate, loadLlamaModel } from '@fish-tuning/models';
import type { CliIO } from '../io.js';
import { selectBackend } from '../backend.js';
import { int, num } from '../flags.js';

export function registerGenerate(program: Command, io: CliIO): void {
  program
    .command('generate')
    .description('generate text with a causal LM (llama2.c .bin + tokenizer, or a Hugging Face directory)')
    .requiredOption('--model <path>', 'model directory (llama2.c .bin + tok*.bin, or config.json + safetensors + tokenizer) or .bin file')
    .option('--tokenizer <path>', 'tokenizer file (llama2.c .bin or tokenizer.json) when not in the model directory')
    .option('--prompt <text>', 'text to continue (default: start from BOS)', '')
    .option('--max-new-tokens <n>', 'tokens to generate', '80')
    .option('--temperature <t>', '0 = greedy', '0')
    .option('--top-p <p>', 'nucleus sampling mass (1 = off)', '1')
    .option('--seed <n>', 'sampling seed', '0')
    .action(async (opts: Record<string, string>, cmd: Command) => {
      await selectBackend(cmd.optsWithGlobals().backend);
      const maxNewTokens = int(opts.maxNewTokens, '--max-new-tokens', 0);
      const temperature = num(opts.temperature, '--temperature');
      const topP = num(opts.topP, '--top-p');
      const seed = int(opts.seed, '--seed', 0);
      const { model, tokenizer } = await loadLlamaModel(opts.model, { tokenizer: opts.tokenizer });
      try {
        if (!tokenizer) throw new FishTuningError('no tokenizer found next to the model; pass --tokenizer', { file: opts.model, option: '--tokenizer' });
        const result = await generate(model, tokenizer, { prompt: opts.prompt, maxNewTokens, temperature, topP, seed });
        io.out(result.text + '\n');
      } finally {
        model.dispose();
      }
    });
}
