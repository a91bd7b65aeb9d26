/**
 * A tiny BERT checkpoint in Hugging Face layout (config.json, model.safetensors, vocab.txt) whose vocabulary
 * is the words of the first rows of a GLUE task, so that the reproduce/demo commands run end to end on it in
 * seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBert, saveHfBert, VocabBertTokenizer } from '@fish-tuning/models';
import { sharedPath } from '@fish-tuning/test-utils';

export async function tinyBertDir(options: { layers?: number; task?: string; rows?: number } = {}): Promise<string> {
  const { layers = 3, task = 'sst2', rows = 64 } = options;
  const lines = fs.readFileSync(sharedPath('data', task, 'train.jsonl'), 'utf8').split('\n').slice(0, rows).filter(Boolean);
  const words = new Set<string>();
  for (const line of lines) for (const v of Object.values(JSON.parse(line))) if (typeof v === 'string') for (const w of v.toLowerCase().match(/[a-z]+|[^\sa-z]/g) ?? []) words.add(w);
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...[...words].sort()];
  const config = { model_type: 'bert', vocab_size: vocab.length, hidden_size: 16, num_hidden_layers: layers, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 512, type_vocab_size: 2, num_labels: 2 };
  const model = createBert(config, 7);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-bert-'));
  await saveHfBert(model, dir, { tokenizer: new VocabBertTokenizer(vocab.join('\n'), { doLowerCase: true }) });
  model.dispose();
  return dir;
}
