/**
 * BERT-base-cased's tokenizer settings (do_lower_case false): the tiny cased WordPiece of the bert fixture,
 * through tokenizer.json and through vocab.txt + tokenizer_config.json, gives transformers' BertTokenizerFast ids
 * (test/fixtures/bert/tokens.json, written by scripts/make-tiny-models.py); case is kept. ModernBERT's
 * byte-level BPE tokenizer.json (with BERT-style specials) gives PreTrainedTokenizerFast's ids too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { loadBertTokenizer, loadHfModernBert } from '../src/index.js';
import { fixtureDir } from './fixtures.js';

test.each(['tokenizer.json', 'vocab.txt'] as const)('cased WordPiece via %s matches transformers', async (prefer) => {
  const { sentences, ids } = JSON.parse(fs.readFileSync(path.join(fixtureDir('bert'), 'tokens.json'), 'utf8')) as { sentences: string[]; ids: number[][] };
  const tok = await loadBertTokenizer(fixtureDir('bert'), { prefer });
  sentences.forEach((s, i) => expect([tok.clsId, ...tok.encode(s), tok.sepId]).toEqual(ids[i]));
  expect(tok.encode('The Cat')).not.toEqual(tok.encode('the cat'));
});

test('ModernBERT byte-level BPE tokenizer.json matches transformers, loaded with the model', async () => {
  const { sentences, ids } = JSON.parse(fs.readFileSync(path.join(fixtureDir('modernbert'), 'tokens.json'), 'utf8')) as { sentences: string[]; ids: number[][] };
  const { model, tokenizer } = await loadHfModernBert(fixtureDir('modernbert'));
  expect(tokenizer).not.toBeNull();
  sentences.forEach((s, i) => expect([tokenizer!.clsId, ...tokenizer!.encode(s), tokenizer!.sepId]).toEqual(ids[i]));
  model.dispose();
});
