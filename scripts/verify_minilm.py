"""Checks a Hugging Face BERT directory (used by fetch-models.sh): config.json fields match the tensor
shapes in model.safetensors, and the tokenizer vocabulary has vocab_size entries. Standard library only."""
import json
import os
import struct
import sys


def main(directory: str) -> None:
    config = json.load(open(os.path.join(directory, "config.json")))
    with open(os.path.join(directory, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    shapes = {k.removeprefix("bert."): v["shape"] for k, v in header.items() if k != "__metadata__"}
    d, inter, vocab = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    expected = {
        "embeddings.word_embeddings.weight": [vocab, d],
        "embeddings.position_embeddings.weight": [config["max_position_embeddings"], d],
        "embeddings.token_type_embeddings.weight": [config["type_vocab_size"], d],
    }
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            expected[p + name + ".weight"] = [d, d]
        expected[p + "intermediate.dense.weight"] = [inter, d]
        expected[p + "output.dense.weight"] = [d, inter]
    bad = [f"{k}: {shapes.get(k)} != {v}" for k, v in expected.items() if shapes.get(k) != v]
    if f"encoder.layer.{config['num_hidden_layers']}.output.dense.weight" in shapes:
        bad.append("more layers in the weights than num_hidden_layers")
    if bad:
        sys.exit("verify_minilm: " + "; ".join(bad))
    tok = json.load(open(os.path.join(directory, "tokenizer.json")))
    if len(tok["model"]["vocab"]) != vocab:
        sys.exit(f"verify_minilm: tokenizer.json has {len(tok['model']['vocab'])} tokens, config vocab_size {vocab}")
    if not os.path.exists(os.path.join(directory, "vocab.txt")):
        # vocab.txt is the WordPiece vocabulary in id order; derive it from tokenizer.json when missing.
        by_id = sorted(tok["model"]["vocab"].items(), key=lambda kv: kv[1])
        with open(os.path.join(directory, "vocab.txt"), "w", encoding="utf-8") as out:
            out.write("".join(token + "\n" for token, _ in by_id))
    print(f"verify_minilm: {config['num_hidden_layers']} layers x {d}, vocab {vocab}: shapes ok")


if __name__ == "__main__":
    main(sys.argv[1])
