/**
 * Hugging Face `tokenizer.json` (+ optional `tokenizer_config.json`) through @huggingface/tokenizers,
 * wrapped as core's TextTokenizer.
 * @module
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { FishTuningError, type TextTokenizer } from '@fish-tuning/core';

type TokenSpec = string | { content: string } | null | undefined;

function tokenText(spec: TokenSpec): string | undefined {
  if (spec == null) return undefined;
  return typeof spec === 'string' ? spec : spec.content;
}

export class HfTokenizer implements TextTokenizer {
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosId?: number;
  readonly padId?: number;
  readonly unkId?: number;
  readonly clsId?: number;
  readonly sepId?: number;
  readonly inner: Tokenizer;

  constructor(tokenizerJson: Record<string, any>, tokenizerConfig: Record<string, any> = {}, file = '<tokenizer.json>') {
    try {
      this.inner = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new FishTuningError(`cannot build the tokenizer (${(e as Error).message})`, { file });
    }
    let maxId = -1;
    for (const id of this.inner.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const id = (key: string, fallback: string[]): number | undefined => {
      const text = tokenText(tokenizerConfig[key] as TokenSpec);
      for (const t of text !== undefined ? [text] : fallback) {
        const found = this.inner.token_to_id(t);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    this.bosId = id('bos_token', ['<s>', '<|begin_of_text|>']);
    this.eosId = id('eos_token', ['</s>', '<|end_of_text|>', '<|endoftext|>']);
    this.padId = id('pad_token', ['<pad>', '[PAD]']);
    this.unkId = id('unk_token', ['<unk>', '[UNK]']);
    this.clsId = id('cls_token', ['[CLS]']);
    this.sepId = id('sep_token', ['[SEP]']);
  }

  encode(text: string): number[] {
    return this.inner.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.inner.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }
}
