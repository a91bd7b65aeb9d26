/**
 * The tokenizer contract shared by models and datasets: only what formatting and decoding need.
 * @module
 */

export interface TextTokenizer {
  /** Token ids of `text`, with no special tokens added (no BOS, CLS or SEP). */
  encode(text: string): number[];
  /** Text of `ids`; special tokens are skipped when `skipSpecialTokens` is true. */
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  readonly vocabSize: number;
  /** Special ids; undefined where the tokenizer has none. */
  readonly bosId?: number;
  readonly eosId?: number;
  readonly padId?: number;
  readonly unkId?: number;
  /** BERT-style ids. */
  readonly clsId?: number;
  readonly sepId?: number;
}
