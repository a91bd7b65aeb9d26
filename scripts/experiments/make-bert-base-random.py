"""A randomly initialised BERT with bert-base-cased's sizes (12 layers x 768, 12 heads, FFN 3072; 110 M parameters)
and all-MiniLM-L6-v2's tokenizer (uncased WordPiece, 30522 tokens), in Hugging Face layout. It shows that the
paper-size settings run through the same code with no change, and what one step costs here; its scores mean nothing.
   ~/.cache/fish-tuning/pyref/bin/python scripts/experiments/make-bert-base-random.py OUT_DIR"""
import os, shutil, sys
import torch
from transformers import BertConfig, BertModel

out = sys.argv[1]
minilm = os.path.join(os.path.dirname(__file__), '..', '..', '.cache', 'models', 'all-MiniLM-L6-v2')
torch.manual_seed(0)
config = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                    max_position_embeddings=512, type_vocab_size=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
BertModel(config, add_pooling_layer=True).save_pretrained(out, safe_serialization=True)
for f in ('tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json'):
    if os.path.exists(os.path.join(minilm, f)):
        shutil.copy(os.path.join(minilm, f), out)
print('wrote', out, sum(p.numel() for p in BertModel(config).parameters()), 'parameters')
