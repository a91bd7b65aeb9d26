/**
 * BERT tokenizers behind core's TextTokenizer: from a vocab.txt (BasicTokenizer + WordPiece written
 * here) or from a tokenizer.json (run by `@huggingface/tokenizers`). `encode` adds no special tokens;
 * BERT-style pairs are laid out by the dataset encoders with `clsId` / `sepId`.
 * @module
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { FishTuningError, type TextTokenizer } from '@fish-tuning/core';
import { BasicTokenizer, type BasicTokenizerOptions } from './basic.js';
import { WordPiece } from './wordpiece.js';

export interface BertTokenizer extends TextTokenizer {
  /** Where the vocabulary came from. */
  readonly source: 'vocab.txt' | 'tokenizer.json';
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly maskId?: number;
  /** Token strings of `text` (no special tokens added). */
  tokenize(text: string): string[];
  tokenToId(token: string): number | undefined;
  /** File name → contents that reproduce the tokenizer in a Hugging Face directory. */
  files(): Record<string, string>;
}

/** The special tokens' strings (tokenizer_config.json / special_tokens_map.json names). */
export interface BertSpecialTokens {
  unk_token?: string;
  sep_token?: string;
  pad_token?: string;
  cls_token?: string;
  mask_token?: string;
}

const DEFAULT_SPECIALS = { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' };

function requireId(id: number | undefined, token: string, file: string | undefined, field: string): number {
  if (id === undefined) throw new FishTuningError(`special token '${token}' is not in the vocabulary`, { file, option: field });
  return id;
}

/** transformers' `clean_up_tokenization`: no space before punctuation and English contractions. */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** BertTokenizer from vocab.txt: one token per line, the line number is its id. */
export class VocabBertTokenizer implements BertTokenizer {
  readonly source = 'vocab.txt' as const;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly maskId?: number;
  private readonly vocab = new Map<string, number>();
  private readonly tokens: string[];
  private readonly basic: BasicTokenizer;
  private readonly wordpiece: WordPiece;
  private readonly specials: Set<string>;
  private readonly specialSplit: RegExp;
  private readonly specialStrings: Required<BertSpecialTokens>;

  constructor(vocabText: string, options: BasicTokenizerOptions & BertSpecialTokens & { file?: string } = {}) {
    this.tokens = vocabText.split(/\r?\n/);
    if (this.tokens[this.tokens.length - 1] === '') this.tokens.pop();
    if (this.tokens.length === 0) throw new FishTuningError('empty vocabulary', { file: options.file });
    this.tokens.forEach((t, i) => this.vocab.set(t, i));
    const s = { ...DEFAULT_SPECIALS, ...definedOnly(options) };
    this.specialStrings = s;
    this.unkId = requireId(this.vocab.get(s.unk_token), s.unk_token, options.file, 'unk_token');
    this.clsId = requireId(this.vocab.get(s.cls_token), s.cls_token, options.file, 'cls_token');
    this.sepId = requireId(this.vocab.get(s.sep_token), s.sep_token, options.file, 'sep_token');
    this.padId = requireId(this.vocab.get(s.pad_token), s.pad_token, options.file, 'pad_token');
    this.maskId = this.vocab.get(s.mask_token);
    this.specials = new Set([s.unk_token, s.cls_token, s.sep_token, s.pad_token, s.mask_token].filter((t) => this.vocab.has(t)));
    // Special tokens written in the text stay whole, as BertTokenizer's added-token split does.
    this.specialSplit = new RegExp(`(${[...this.specials].map(escapeRegExp).join('|')})`);
    this.basic = new BasicTokenizer(options);
    this.wordpiece = new WordPiece(this.vocab, s.unk_token);
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** The files that reproduce this tokenizer: vocab.txt and tokenizer_config.json (BertTokenizer keys). */
  files(): Record<string, string> {
    const config = {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: this.basic.doLowerCase,
      strip_accents: this.basic.stripAccents,
      tokenize_chinese_chars: this.basic.tokenizeChineseChars,
      ...this.specialStrings,
    };
    return { 'vocab.txt': this.tokens.join('\n') + '\n', 'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n' };
  }

  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const part of text.split(this.specialSplit)) {
      if (this.specials.has(part)) out.push(part);
      else for (const word of this.basic.tokenize(part)) out.push(...this.wordpiece.tokenize(word));
    }
    return out;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  encode(text: string): number[] {
    return this.tokenize(text).map((t) => this.vocab.get(t) ?? this.unkId);
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = new Set(options.skipSpecialTokens ? [...this.specials].map((t) => this.vocab.get(t)!) : []);
    const tokens = ids.filter((id) => !skip.has(id)).map((id) => this.tokens[id] ?? this.tokens[this.unkId]);
    return cleanUpTokenization(tokens.join(' ').replaceAll(' ##', '').trim());
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string')) as Partial<T>;
}

/**
 * BertTokenizer from a tokenizer.json, run by @huggingface/tokenizers: a WordPiece model (BERT), or a
 * byte-level BPE with BERT-style special tokens (ModernBERT's tokenizer.json).
 */
export class JsonBertTokenizer implements BertTokenizer {
  readonly source = 'tokenizer.json' as const;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly maskId?: number;
  readonly vocabSize: number;
  private readonly tokenizer: Tokenizer;

  constructor(
    private readonly tokenizerJson: Record<string, any>,
    private readonly tokenizerConfig: Record<string, any> = {},
    file?: string,
  ) {
    const model = tokenizerJson?.model;
    if (!model || (model.type !== 'WordPiece' && model.type !== 'BPE') || typeof model.vocab !== 'object') {
      throw new FishTuningError(`expected a WordPiece or BPE model, got ${JSON.stringify(model?.type)}`, { file, option: 'model.type' });
    }
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new FishTuningError(`@huggingface/tokenizers cannot load it (${(e as Error).message})`, { file });
    }
    this.vocabSize = this.tokenizer.get_vocab(true).size;
    const s = { ...DEFAULT_SPECIALS, ...definedOnly(tokenizerConfig as BertSpecialTokens), unk_token: model.unk_token ?? tokenizerConfig.unk_token ?? '[UNK]' };
    const id = (t: string) => this.tokenizer.token_to_id(t);
    this.unkId = requireId(id(s.unk_token), s.unk_token, file, 'unk_token');
    this.clsId = requireId(id(s.cls_token), s.cls_token, file, 'cls_token');
    this.sepId = requireId(id(s.sep_token), s.sep_token, file, 'sep_token');
    this.padId = requireId(id(s.pad_token), s.pad_token, file, 'pad_token');
    this.maskId = id(s.mask_token);
  }

  /** The files it was loaded from: tokenizer.json and tokenizer_config.json. */
  files(): Record<string, string> {
    return { 'tokenizer.json': JSON.stringify(this.tokenizerJson), 'tokenizer_config.json': JSON.stringify(this.tokenizerConfig, null, 2) + '\n' };
  }

  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text, { add_special_tokens: false });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }
}
