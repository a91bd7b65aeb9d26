/**
 * A llama2.c tokenizer as a Hugging Face `tokenizer.json` (the layout of HF's Llama/SentencePiece
 * conversion: Prepend+Replace "▁" normalizer, BPE with byte fallback, merges ranked by the merged
 * piece's score as SentencePieceExtractor does), so that converted models load with any HF tooling.
 * @module
 */
import type { Llama2cTokenizer } from './llama2c-tokenizer.js';

const SPACE = '\u2581';

function pieceText(binary: string): string {
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes).replaceAll(' ', SPACE);
}

export function llama2cToTokenizerJson(tok: Llama2cTokenizer): { tokenizer: Record<string, unknown>; config: Record<string, unknown> } {
  const vocab: Record<string, number> = {};
  const texts = tok.pieces.map(pieceText);
  texts.forEach((t, id) => {
    if (!(t in vocab)) vocab[t] = id;
  });
  const merges: Array<[string, string, number, number]> = [];
  texts.forEach((t, id) => {
    if (id <= 2 || /^<0x[0-9A-F]{2}>$/.test(t)) return;
    const chars = [...t];
    for (let k = 1; k < chars.length; k++) {
      const left = chars.slice(0, k).join('');
      const right = chars.slice(k).join('');
      if (left in vocab && right in vocab) merges.push([left, right, tok.scores[id], id]);
    }
  });
  // Higher merged-piece score merges first; ties by the merged piece's id.
  merges.sort((a, b) => b[2] - a[2] || a[3] - b[3]);
  const special = (id: number) => ({ id, content: texts[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0), special(1), special(2)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: SPACE },
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: texts[0],
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: merges.map(([l, r]) => [l, r]),
    },
  };
  const config = {
    tokenizer_class: 'LlamaTokenizer',
    bos_token: texts[1],
    eos_token: texts[2],
    unk_token: texts[0],
    add_bos_token: true,
    add_eos_token: false,
    legacy: true,
    clean_up_tokenization_spaces: false,
  };
  return { tokenizer, config };
}
