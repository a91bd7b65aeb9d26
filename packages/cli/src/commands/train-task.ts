/**
 * `fish-tune train --task glue/<name> | gsm8k`: loads the split with the dataset packages and tokenizes it
 * with the model's own tokenizer — prompt + answer with the prompt's labels at -100 for a causal LM (the
 * task's decoder template / the GSM8K SFT template), `[CLS] a [SEP] b [SEP]` with the class id for BERT.
 * @module
 */
import { FishTuningError, type Example, type PeftTargetModel, type TextTokenizer } from '@fish-tuning/core';
import { encodeForDecoder, encodeForEncoder, glueTask, type GlueSplit } from '@fish-tuning/datasets-glue';
import { loadGlue } from '@fish-tuning/datasets-glue/node';
import { encodeGsm8k } from '@fish-tuning/datasets-gsm8k';
import { loadGsm8k } from '@fish-tuning/datasets-gsm8k/node';
import { findDataDir, resolveDataDir } from '../data-dir.js';

/** Training and validation examples of `task` ('glue/<name>' or 'gsm8k'), at most `limit` training rows. */
export async function taskExamples(
  task: string,
  model: PeftTargetModel,
  tokenizer: TextTokenizer,
  options: { dataDir?: string; limit?: number; evalLimit?: number },
): Promise<{ train: Example[]; validation: Example[] | null }> {
  if (task === 'gsm8k') {
    if (model.task !== 'causal-lm') throw new FishTuningError('gsm8k needs a causal LM (Llama) model', { option: '--task' });
    const rows = await loadGsm8k({ split: 'train', dataDir: resolveDataDir(options.dataDir, 'gsm8k'), ...(options.limit ? { limit: options.limit } : {}) });
    return { train: rows.map((r) => encodeGsm8k(r, tokenizer)), validation: null };
  }
  // Without --data-dir: a local copy if one is found, else the GLUE loader's download (with its checksum).
  const dataDir = options.dataDir ?? findDataDir();
  const name = task.replace(/^glue\//, '');
  const spec = glueTask(name);
  const load = async (split: GlueSplit, limit?: number) =>
    loadGlue({ task: spec, split, ...(dataDir ? { dataDir } : {}), ...(limit ? { limit } : {}) });
  const encode = (rows: Awaited<ReturnType<typeof load>>): Example[] =>
    rows.map((r) => (model.task === 'causal-lm' ? encodeForDecoder(spec, r, tokenizer) : encodeForEncoder(spec, r, tokenizer)));
  return { train: encode(await load('train', options.limit)), validation: encode(await load('validation', options.evalLimit)) };
}
