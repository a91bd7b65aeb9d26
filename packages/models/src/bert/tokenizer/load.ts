/**
 * Loads a BERT tokenizer from a Hugging Face directory (Node): tokenizer.json when present (unless
 * `prefer: 'vocab.txt'`), else vocab.txt with tokenizer_config.json's `do_lower_case`,
 * `strip_accents`, `tokenize_chinese_chars` and special-token strings.
 * @module
 */
import { promises as fsp, existsSync } from 'node:fs';
import * as path from 'node:path';
import { FishTuningError } from '@fish-tuning/core';
import { readJsonFile } from '@fish-tuning/core/node';
import { JsonBertTokenizer, VocabBertTokenizer, type BertTokenizer } from './bert-tokenizer.js';

export interface LoadBertTokenizerOptions {
  /** Which file to use when both exist; default 'tokenizer.json'. */
  prefer?: 'tokenizer.json' | 'vocab.txt';
}

export async function loadBertTokenizer(dir: string, options: LoadBertTokenizerOptions = {}): Promise<BertTokenizer> {
  const jsonFile = path.join(dir, 'tokenizer.json');
  const vocabFile = path.join(dir, 'vocab.txt');
  const configFile = path.join(dir, 'tokenizer_config.json');
  const config: Record<string, any> = existsSync(configFile) ? await readJsonFile(configFile) : {};
  const useJson = existsSync(jsonFile) && (options.prefer !== 'vocab.txt' || !existsSync(vocabFile));
  if (useJson) return new JsonBertTokenizer(await readJsonFile(jsonFile), config, jsonFile);
  if (!existsSync(vocabFile)) throw new FishTuningError('no tokenizer.json or vocab.txt in the model directory', { file: dir });
  for (const key of ['do_lower_case', 'tokenize_chinese_chars'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') {
      throw new FishTuningError(`${key} must be true or false, got ${JSON.stringify(config[key])}`, { file: configFile, option: key });
    }
  }
  return new VocabBertTokenizer(await fsp.readFile(vocabFile, 'utf8'), {
    file: vocabFile,
    doLowerCase: config.do_lower_case ?? true,
    stripAccents: config.strip_accents ?? null,
    tokenizeChineseChars: config.tokenize_chinese_chars ?? true,
    unk_token: config.unk_token,
    sep_token: config.sep_token,
    pad_token: config.pad_token,
    cls_token: config.cls_token,
    mask_token: config.mask_token,
  });
}
