#!/usr/bin/env python3
"""Tiny random checkpoints of every architecture the paper fine-tunes, written by `transformers`, with
reference outputs for the TypeScript parity tests (packages/models/test/parity.test.ts).

    /root/.cache/fish-tuning/pyref/bin/python scripts/make-tiny-models.py [OUT_DIR]
    /root/.cache/fish-tuning/pyref/bin/python scripts/make-tiny-models.py --big /tmp/big-llama   # ~100M params, for docs/models.md

Pinned: torch (PyPI), transformers 4.57.x, peft 0.17.x, safetensors. Everything is seeded, so a rerun writes the
same files. Each fixture directory holds `config.json` + `model.safetensors` (or shards + index), a tokenizer where
cheap (BERT), and `reference.safetensors` with:

- `input_ids`, `attention_mask` [3, T]: a right-padded batch (lengths T, T-3, T-5); encoders add `token_type_ids`,
  `labels` (classes) and `reg.labels` (regression targets).
- `logits`: decoders [3, T, vocab] (only real positions are compared), encoders [3, num_labels].
- `per_example_loss` [3]: decoders the mean token cross-entropy over each row's supervised positions (labels =
  input ids, padding ignored, shifted), encoders per-example cross-entropy; `hf_loss` [1]: transformers' own loss of
  the batch (decoders: mean over all supervised tokens) to tie both definitions together.
- LoRA (peft, r=4, alpha=8, both A and B random so every gradient is non-zero, dropout 0, eval mode): PEFT-named
  `base_model.model.<module>.lora_A.weight` / `lora_B.weight` values and `grad.<same name>` = d mean(per_example_loss)
  / d tensor.
- Family extras: `long.*` for phi3 (a row longer than original_max_position_embeddings: long RoPE factors),
  `prefix.*` for phi3 (random per-layer keys/values passed as past_key_values, with the sliding window reaching them),
  `cls.logits` for modernbert (classifier_pooling cls on the same weights), `reg.*` for encoders (a regression head).

The forward passes run in float64 on the float32 weights, so the references carry no float32 rounding (ModernBERT
in float32, see the note at its call).
"""
import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file

import transformers
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    LlamaConfig,
    LlamaForCausalLM,
    ModernBertConfig,
    ModernBertForSequenceClassification,
    Phi3Config,
    Phi3ForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)
import peft

VOCAB = 128
T = 12
LENGTHS = [T, T - 3, T - 5]


def batch(seed, vocab=VOCAB, t=T, lengths=LENGTHS, low=3):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(low, vocab, (len(lengths), t), generator=g)
    mask = torch.zeros(len(lengths), t, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
        ids[i, n:] = 0  # the pad id of every fixture
    return ids, mask


def decoder_per_example_loss(logits, ids, mask):
    labels = ids.masked_fill(mask == 0, -100)
    shift_logits = logits[:, :-1]
    shift_labels = labels[:, 1:]
    ce = torch.nn.functional.cross_entropy(shift_logits.reshape(-1, shift_logits.shape[-1]), shift_labels.reshape(-1), ignore_index=-100, reduction="none")
    ce = ce.view(shift_labels.shape)
    valid = (shift_labels != -100).to(ce.dtype)
    return (ce * valid).sum(1) / valid.sum(1).clamp(min=1)


def lora_reference(model, targets, loss_fn, seed):
    """peft LoRA on `targets` with random A and B; returns {peft name: value} and {grad.name: gradient}."""
    torch.manual_seed(seed)
    cfg = peft.LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=targets, init_lora_weights=False)
    pm = peft.get_peft_model(model, cfg)
    pm.eval()
    out = {}
    params = {}
    for name, p in pm.named_parameters():
        if "lora_" in name:
            key = name.replace(".default", "")
            params[key] = p
    loss = loss_fn(pm).mean()
    grads = torch.autograd.grad(loss, list(params.values()))
    for (key, p), g in zip(params.items(), grads):
        out[key] = p.detach().float().contiguous()
        out["grad." + key] = g.detach().float().contiguous()
    return out


def save_reference(out_dir, tensors):
    clean = {k: (v.detach().contiguous().float() if v.dtype.is_floating_point else v.detach().contiguous().to(torch.int32)) for k, v in tensors.items()}
    save_file(clean, os.path.join(out_dir, "reference.safetensors"), metadata={"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__})


def write_decoder(out_dir, name, cls, config, lora_targets, seed, shard=None, long_len=None, prefix_len=None):
    d = os.path.join(out_dir, name)
    shutil.rmtree(d, ignore_errors=True)
    torch.manual_seed(seed)
    config._attn_implementation = "eager"
    model = cls(config).eval()
    # Norm weights random too, so that a norm loaded in the wrong place shows up.
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "norm" in n:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif n.endswith(".bias"):
                p.copy_(0.05 * torch.randn_like(p))
    kwargs = {"safe_serialization": True}
    if shard:
        kwargs["max_shard_size"] = shard
    model.save_pretrained(d, **kwargs)
    model = model.double()
    ids, mask = batch(seed + 1, vocab=config.vocab_size)
    ref = {"input_ids": ids, "attention_mask": mask}
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, labels=ids.masked_fill(mask == 0, -100))
    ref["logits"] = out.logits
    ref["hf_loss"] = out.loss.reshape(1)
    ref["per_example_loss"] = decoder_per_example_loss(out.logits, ids, mask)
    if long_len:
        lids, lmask = batch(seed + 2, vocab=config.vocab_size, t=long_len, lengths=[long_len])
        with torch.no_grad():
            ref["long.logits"] = model(input_ids=lids, attention_mask=lmask).logits
        ref["long.input_ids"] = lids
    if prefix_len:
        # Random keys/values handed over as past_key_values (how PEFT passes a prefix): queries sit at positions
        # prefix_len…, prefix keys are not rotated, and a sliding window counts them as positions 0…prefix_len-1.
        from transformers import DynamicCache

        g = torch.Generator().manual_seed(seed + 6)
        cache = DynamicCache()
        hd = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        for i in range(config.num_hidden_layers):
            k = 0.5 * torch.randn(1, config.num_key_value_heads, prefix_len, hd, generator=g, dtype=torch.float64)
            v = 0.5 * torch.randn(1, config.num_key_value_heads, prefix_len, hd, generator=g, dtype=torch.float64)
            ref[f"prefix.key.{i}"] = k
            ref[f"prefix.value.{i}"] = v
            cache.update(k.expand(ids.shape[0], -1, -1, -1).contiguous(), v.expand(ids.shape[0], -1, -1, -1).contiguous(), i)
        full_mask = torch.cat([torch.ones(ids.shape[0], prefix_len, dtype=mask.dtype), mask], 1)
        with torch.no_grad():
            ref["prefix.logits"] = model(input_ids=ids, attention_mask=full_mask, past_key_values=cache).logits
    ref.update(lora_reference(model, lora_targets, lambda m: decoder_per_example_loss(m(input_ids=ids, attention_mask=mask).logits, ids, mask), seed + 3))
    save_reference(d, ref)
    return d


def tiny_cased_vocab():
    words = ["The", "the", "Cat", "cat", "sat", "on", "mat", "A", "a", "dog", "Dog", "ran", "good", "bad", "movie", "is", "was", "not", "very", "Paris", "paris", "!", ".", ",", "?", "'", "s"]
    pieces = ["##s", "##ed", "##ing", "##ly", "##er", "##a", "##e", "##i", "##o", "##t", "##n"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + pieces + letters
    seen = []
    for v in vocab:
        if v not in seen:
            seen.append(v)
    while len(seen) < VOCAB:
        seen.append(f"[unused{len(seen)}]")
    return seen[:VOCAB]


def encoder_loss(logits, labels):
    return torch.nn.functional.cross_entropy(logits, labels, reduction="none")


def write_encoder(out_dir, name, cls, config, lora_targets, seed, extra=None, dtype=torch.float64):
    d = os.path.join(out_dir, name)
    shutil.rmtree(d, ignore_errors=True)
    torch.manual_seed(seed)
    config._attn_implementation = "eager"
    model = cls(config).eval()
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "norm" in n.lower():
                p.copy_((1 + 0.1 * torch.randn_like(p)) if n.endswith("weight") else 0.05 * torch.randn_like(p))
            elif n.endswith(".bias"):
                p.copy_(0.05 * torch.randn_like(p))
    model.save_pretrained(d, safe_serialization=True)
    model = model.to(dtype)
    ids, mask = batch(seed + 1, vocab=config.vocab_size, low=5)
    ids[:, 0] = config.cls_token_id if hasattr(config, "cls_token_id") and config.cls_token_id is not None else 2
    g = torch.Generator().manual_seed(seed + 4)
    labels = torch.randint(0, config.num_labels, (ids.shape[0],), generator=g)
    ref = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    kw = {}
    if isinstance(config, BertConfig):
        tt = torch.zeros_like(ids)
        tt[:, T // 2 :] = 1
        tt = tt * mask
        ref["token_type_ids"] = tt
        kw["token_type_ids"] = tt
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, labels=labels, **kw)
    ref["logits"] = out.logits
    ref["hf_loss"] = out.loss.reshape(1)
    ref["per_example_loss"] = encoder_loss(out.logits, labels)
    # A regression head on the same encoder: transformers' num_labels=1 model with the same base weights.
    rconf = config.__class__.from_dict({**config.to_dict(), "num_labels": 1, "problem_type": "regression", "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}})
    rconf._attn_implementation = "eager"
    torch.manual_seed(seed + 5)
    rmodel = cls(rconf).to(dtype).eval()
    state = {k: v for k, v in model.state_dict().items() if not k.startswith("classifier.")}
    rmodel.load_state_dict(state, strict=False)
    reg_labels = torch.randn(ids.shape[0], generator=g, dtype=torch.float64).to(dtype)
    with torch.no_grad():
        rout = rmodel(input_ids=ids, attention_mask=mask, labels=reg_labels, **kw)
    ref["reg.labels"] = reg_labels
    ref["reg.classifier.weight"] = rmodel.classifier.weight
    ref["reg.classifier.bias"] = rmodel.classifier.bias
    ref["reg.logits"] = rout.logits.reshape(-1)
    ref["reg.hf_loss"] = rout.loss.reshape(1)
    if extra:
        ref.update(extra(model, ids, mask, kw))
    ref.update(lora_reference(model, lora_targets, lambda m: encoder_loss(m(input_ids=ids, attention_mask=mask, **kw).logits, labels), seed + 3))
    save_reference(d, ref)
    return d


def make_all(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    common = dict(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, pad_token_id=0, bos_token_id=1, eos_token_id=2)

    # LLaMA-3.2 style: rope_scaling llama3 (all three frequency bands hit at head_dim 24), tied embeddings, GQA,
    # head_dim given and different from hidden_size / num_attention_heads.
    llama = LlamaConfig(
        **common, intermediate_size=96, num_key_value_heads=2, head_dim=24, rope_theta=500000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
        max_position_embeddings=131072,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
    )
    write_decoder(out_dir, "llama", LlamaForCausalLM, llama, ["q_proj", "k_proj", "v_proj", "o_proj"], 11)

    # Qwen2.5 style: q/k/v biases, untied head, rope theta 1e6, GQA; sharded so that the index path is covered.
    qwen = Qwen2Config(**common, intermediate_size=96, num_key_value_heads=2, rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=False, max_position_embeddings=256)
    write_decoder(out_dir, "qwen2", Qwen2ForCausalLM, qwen, ["q_proj", "k_proj", "v_proj", "o_proj"], 21, shard="150KB")

    # Phi-4-mini style: fused qkv_proj / gate_up_proj, partial_rotary_factor 0.75, tied embeddings, GQA, longrope
    # (short factors up to original_max_position_embeddings = 16, long ones beyond), and a sliding window of 10
    # (Phi-4-mini's 262144 never bites; 10 < T makes the mask matter here).
    rot = int(16 * 0.75) // 2
    phi = Phi3Config(
        **common, intermediate_size=96, num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
        partial_rotary_factor=0.75, max_position_embeddings=64, original_max_position_embeddings=16, sliding_window=10,
        rope_scaling={"type": "longrope", "short_factor": [1.0 + 0.1 * i for i in range(rot)], "long_factor": [1.5 + 0.7 * i for i in range(rot)]},
    )
    write_decoder(out_dir, "phi3", Phi3ForCausalLM, phi, ["qkv_proj", "o_proj"], 31, long_len=24, prefix_len=3)

    # BERT-base-cased style: cased WordPiece (do_lower_case false), token types, classification + regression heads.
    bert = BertConfig(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=96, max_position_embeddings=64, num_labels=3, pad_token_id=0)
    d = write_encoder(out_dir, "bert", BertForSequenceClassification, bert, ["query", "key", "value"], 41)
    vocab_file = os.path.join(d, "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(tiny_cased_vocab()) + "\n")
    tok = transformers.BertTokenizerFast(vocab_file=vocab_file, do_lower_case=False, strip_accents=None)
    tok.save_pretrained(d)
    sentences = ["The Cat sat on the mat.", "the cat sat on the Mat!", "A dog ran, not very good.", "Paris is paris?"]
    with open(os.path.join(d, "tokens.json"), "w") as f:
        json.dump({"sentences": sentences, "ids": [tok(s)["input_ids"] for s in sentences]}, f)

    # ModernBERT-base style: global/local attention (every 2nd layer global, local window 4 < T), separate rope
    # thetas, fused Wqkv, GeGLU Wi, bias-free LayerNorms, final_norm, head + classifier (mean pooling; cls too).
    mb = ModernBertConfig(
        vocab_size=MB_VOCAB, hidden_size=64, num_hidden_layers=3, num_attention_heads=4, intermediate_size=96, max_position_embeddings=64,
        global_attn_every_n_layers=2, local_attention=4, global_rope_theta=160000.0, local_rope_theta=10000.0, classifier_pooling="mean",
        num_labels=3, pad_token_id=3, bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2, norm_eps=1e-5,
    )

    def cls_pooling(model, ids, mask, kw):
        model.config.classifier_pooling = "cls"
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=mask).logits
        model.config.classifier_pooling = "mean"
        return {"cls.logits": logits}

    # float32: in float64 transformers' eager softmax (forced to float32) turns the float64 mask minimum into -inf,
    # so a padded row whose whole local window is padding becomes NaN and spreads through the global layers.
    d = write_encoder(out_dir, "modernbert", ModernBertForSequenceClassification, mb, ["Wqkv", "attn.Wo"], 51, extra=cls_pooling, dtype=torch.float32)
    write_modernbert_tokenizer(d)


MB_VOCAB = 300


def write_modernbert_tokenizer(d):
    """A tiny byte-level BPE shaped like ModernBERT-base's tokenizer.json (BERT-style specials, [CLS] $A [SEP])."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
    trainer = trainers.BpeTrainer(vocab_size=MB_VOCAB, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    corpus = ["The cat sat on the mat.", "A good movie, not a bad one!", "It was the best of times.", "Is Paris the capital of France?"] * 4
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))]
    )
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]", mask_token="[MASK]")
    fast.save_pretrained(d)
    sentences = ["The cat sat on the mat.", "Was it a good movie?", "Ünïcode and émoji 🐟 too"]
    with open(os.path.join(d, "tokens.json"), "w") as f:
        json.dump({"sentences": sentences, "ids": [fast(s)["input_ids"] for s in sentences]}, f)


def make_big(out_dir):
    """~95M-parameter random Llama (tied, vocab 32000, 10 × 768) for the loading-memory measurement."""
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=32000, hidden_size=768, intermediate_size=2048, num_hidden_layers=10, num_attention_heads=12, tie_word_embeddings=True)
    model = LlamaForCausalLM(config)
    model.save_pretrained(out_dir, safe_serialization=True)
    print(out_dir, sum(p.numel() for p in model.parameters()), "parameters")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--big":
        make_big(sys.argv[2])
    else:
        make_all(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "packages", "models", "test", "fixtures"))
