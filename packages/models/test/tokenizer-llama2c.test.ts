/** The llama2.c tokenizer against an independent Python port of llama2.c's run.c encode/decode. */
import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import { hasShared, pythonHas, runPython, sharedPath } from '@fish-tuning/test-utils';
import { Llama2cTokenizer } from '../src/index.js';

const TOK = sharedPath('models', 'stories260K', 'tok512.bin');

// run.c: encode() with bos=0, eos=0 — sorted vocabulary + bsearch, dummy prefix " ", UTF-8 code points
// (byte fallback id = byte + 3), then merge the best-scoring adjacent pair until none merges.
const RUN_C_ENCODE = String.raw`
import struct
b = open(INPUT['tok'], 'rb').read()
o = 4
vocab, scores = [], []
while o < len(b):
    s, n = struct.unpack('<fi', b[o:o + 8])
    vocab.append(b[o + 8:o + 8 + n]); scores.append(s); o += 8 + n
index = {}
for i, p in enumerate(vocab):
    index.setdefault(p, i)
def encode(text):
    if text == '':
        return []
    tokens = [index[b' ']]
    for ch in text:
        raw = ch.encode('utf-8')
        if raw in index:
            tokens.append(index[raw])
        else:
            tokens.extend(x + 3 for x in raw)
    while True:
        best, best_id, best_idx = -1e10, -1, -1
        for i in range(len(tokens) - 1):
            j = index.get(vocab[tokens[i]] + vocab[tokens[i + 1]])
            if j is not None and scores[j] > best:
                best, best_id, best_idx = scores[j], j, i
        if best_idx == -1:
            break
        tokens[best_idx:best_idx + 2] = [best_id]
    return tokens
def decode(ids):
    out = b''
    prev = 1
    for t in ids:
        p = vocab[t]
        if prev == 1 and p.startswith(b' '):
            p = p[1:]
        if p.startswith(b'<0x') and p.endswith(b'>') and len(p) == 6:
            p = bytes([int(p[3:5], 16)])
        out += p
        prev = t
    return out.decode('utf-8', errors='replace')
print(json.dumps({'ids': [encode(t) for t in INPUT['texts']], 'text': decode(INPUT['decode'])}))
`;

const TEXTS = [
  'Once upon a time, there was a little girl named Lily.',
  'Hello world',
  '  leading and  double  spaces ',
  'Line one.\nLine two.\tTab',
  'café, naïve, 日本語 and 🐟 emoji',
  'x',
  "Lily's mom said, \"Lily, let's go to the park.\"",
];

describe.skipIf(!hasShared('models', 'stories260K'))('Llama2cTokenizer (tok512.bin)', () => {
  const tok = Llama2cTokenizer.fromBytes(new Uint8Array(fs.readFileSync(TOK)), TOK);

  test('reads the 512-token vocabulary with specials and byte pieces, and writes it back byte for byte', () => {
    expect(tok.vocabSize).toBe(512);
    expect([tok.unkId, tok.bosId, tok.eosId]).toEqual([0, 1, 2]);
    expect(tok.pieceBytes(3 + 0x0a)).toEqual([0x0a]);
    expect(Buffer.from(tok.toBytes()).equals(fs.readFileSync(TOK))).toBe(true);
  });

  test.skipIf(!pythonHas('json'))('encode and decode agree with a Python port of run.c', () => {
    // run.c prints what follows BOS (its `prev` starts at BOS).
    const sample = [403, 407, 261, 378, 13, 438, 310, 3 + 0xe6, 3 + 0x97, 3 + 0xa5];
    const ref = runPython<{ ids: number[][]; text: string }>(RUN_C_ENCODE, { tok: TOK, texts: TEXTS, decode: sample });
    TEXTS.forEach((text, i) => expect(tok.encode(text), text).toEqual(ref.ids[i]));
    expect(tok.decode(sample)).toBe(ref.text);
  });

  test('decode(encode(text)) gives the text back; the empty text encodes to nothing', () => {
    for (const text of TEXTS) expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.encode('')).toEqual([]);
    // Specials are skipped by default and kept when asked.
    expect(tok.decode([1, ...tok.encode('Hi'), 2])).toBe('Hi');
    // tok512.bin spells BOS as "\n<s>\n"; the space after BOS is still dropped as run.c does.
    expect(tok.decode([1, ...tok.encode('Hi')], { skipSpecialTokens: false })).toBe('\n<s>\nHi');
  });
});
