import { describe, expect, it } from 'vitest';
import { bertTensorShapes, bertConfig, BERT_DEFAULTS } from '@fish-tuning/models';
import { countLoraParameters } from '../src/index.js';

/** Shapes of BertForSequenceClassification without allocating: module paths as in the model (`bert.` prefix). */
function bertShapes(vocab: number, numLabels: number) {
  const c = bertConfig({ ...BERT_DEFAULTS, vocab_size: vocab, num_labels: numLabels });
  const base = new Map([...bertTensorShapes(c)].map(([k, v]) => [`bert.${k}`, v]));
  const head = new Map([['classifier.weight', [numLabels, c.hidden_size]], ['classifier.bias', [numLabels]]]);
  return { base, head, layers: c.num_hidden_layers };
}

describe('trainable-parameter counts', () => {
  it("reproduce the paper's BERT-base-cased ratios (rank 1, W_Q/W_K/W_V, top 1–4 layers, 2-label head)", () => {
    const { base, head, layers } = bertShapes(28996, 2);
    const paper = ['0.0057', '0.0099', '0.0142', '0.0184'];
    for (let n = 1; n <= 4; n++) {
      const top = Array.from({ length: n }, (_, i) => layers - n + i);
      const rep = countLoraParameters(base, head, { target_modules: ['query', 'key', 'value'], layers_to_transform: top }, 1);
      expect(rep.base).toBe(108_310_272); // bert-base-cased without the head
      expect(rep.targets).toHaveLength(3 * n);
      expect(rep.adapter).toBe(3 * n * (768 + 768));
      expect(rep.head).toBe(768 * 2 + 2);
      expect(rep.percent.toFixed(4)).toBe(paper[n - 1]);
      // The head is part of the paper's numerator: without it the ratio would be 0.0043% for one layer.
      if (n === 1) expect(((100 * rep.adapter) / rep.total).toFixed(4)).toBe('0.0043');
    }
  });

  it('counts DoRA magnitudes and ignores non-matching modules', () => {
    const { base, head } = bertShapes(28996, 2);
    const rep = countLoraParameters(base, head, { target_modules: ['query'], layers_to_transform: [0] }, 4, { useDora: true });
    expect(rep.targets.map((t) => t.path)).toEqual(['bert.encoder.layer.0.attention.self.query']);
    expect(rep.adapter).toBe(4 * (768 + 768) + 768);
  });
});
