"""The Python side of the PEFT interop harness (driven by packages/cli/test/interop.test.ts).

Reads one JSON request (or {"ops": [request, ...]}) on stdin and prints one JSON answer (or a list)
on the last stdout line:

  {"op": "make", "model_dir", "family", "method", "out", "seed"}
      A PEFT adapter made by Python PEFT on the base model, every trainable tensor moved away from its
      init by seeded noise (so that a zero lora_B cannot hide a loading bug), saved with
      save_pretrained (base_model_name_or_path = model_dir).
  {"op": "evaluate", "adapter_dir", "family", "batch", "auto": bool, "model_dir"?}
      Logits and per-example losses of the adapter on `batch`, loaded with AutoPeftModel* from the
      adapter's own base_model_name_or_path when `auto`, else PeftModel.from_pretrained(model_dir).
  {"op": "fisher", "adapter_dir", "model_dir", "family", "rows"}
      Empirical diagonal Fisher by a per-sample loop: for each row alone, backward of its loss, square
      every trainable gradient, average. Keys are PEFT's saved names (adapter name removed).

Per-example loss: classification cross-entropy; causal LM: mean token cross-entropy over the positions
whose (shifted) label is not -100 — the definitions of fish-tuning's perExampleLoss.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

torch.use_deterministic_algorithms(True)
torch.set_num_threads(2)

TARGETS = {
    "llama": {"lora": ["q_proj", "v_proj"], "ia3": ["k_proj", "v_proj", "down_proj"], "ia3_ff": ["down_proj"]},
    "bert": {"lora": ["query", "value"], "ia3": ["key", "value", "output.dense"], "ia3_ff": ["output.dense"]},
}
NUM_LABELS = 2


def base_model(family, model_dir, dtype=torch.float64):
    """References run in float64 (PiSSA's SVD included), so they are exact to far below the tolerances."""
    from transformers import BertForSequenceClassification, LlamaForCausalLM

    if family == "llama":
        return LlamaForCausalLM.from_pretrained(model_dir, dtype=dtype)
    return BertForSequenceClassification.from_pretrained(model_dir, num_labels=NUM_LABELS, dtype=dtype)


def peft_config(family, method):
    from peft import IA3Config, LoraConfig, PrefixTuningConfig, TaskType

    task = TaskType.CAUSAL_LM if family == "llama" else TaskType.SEQ_CLS
    t = TARGETS[family]
    if method in ("lora", "dora", "pissa"):
        init = "pissa" if method == "pissa" else True
        return LoraConfig(task_type=task, r=4, lora_alpha=8, lora_dropout=0.0, target_modules=t["lora"], use_dora=method == "dora", init_lora_weights=init)
    if method == "ia3":
        return IA3Config(task_type=task, target_modules=t["ia3"], feedforward_modules=t["ia3_ff"])
    if method == "prefix":
        return PrefixTuningConfig(task_type=task, num_virtual_tokens=4)
    raise SystemExit(f"unknown method {method}")


def make(req):
    from peft import get_peft_model

    torch.manual_seed(req["seed"])
    model = get_peft_model(base_model(req["family"], req["model_dir"], torch.float32), peft_config(req["family"], req["method"]))
    gen = torch.Generator().manual_seed(req["seed"] + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad:
                p.add_(torch.randn(p.shape, generator=gen) * 0.05 * (p.detach().abs().mean() + 0.1))
    model.save_pretrained(req["out"])
    return {"trainable": sorted(n for n, p in model.named_parameters() if p.requires_grad)}


def batch_tensors(batch):
    ids = torch.tensor(batch["input_ids"], dtype=torch.long)
    mask = torch.tensor(batch["attention_mask"], dtype=torch.long)
    return ids, mask


def per_example_loss(family, logits, labels):
    if family == "bert":
        return F.cross_entropy(logits.double(), labels, reduction="none")
    shifted = labels[:, 1:]
    lp = F.log_softmax(logits[:, :-1].double(), dim=-1)
    keep = shifted != -100
    nll = -lp.gather(-1, shifted.clamp(min=0).unsqueeze(-1)).squeeze(-1) * keep
    return nll.sum(-1) / keep.sum(-1)


def forward(model, family, ids, mask):
    if family == "bert":
        return model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).logits
    return model(input_ids=ids, attention_mask=mask).logits


def load(req, trainable=False):
    from peft import AutoPeftModelForCausalLM, AutoPeftModelForSequenceClassification, PeftModel

    if req.get("fish_adapter"):  # no PEFT type: hooks from interop/fish_adapters.py
        sys.path.insert(0, os.path.dirname(os.path.abspath(req["script"])))
        from fish_adapters import apply_fish_adapter

        model = base_model(req["family"], req["model_dir"])
        apply_fish_adapter(model, req["adapter_dir"])
        return model

    saved = json.load(open(os.path.join(req["adapter_dir"], "adapter_config.json")))
    # PEFT refuses is_trainable for a saved prompt-learning adapter; its gradients are switched on below.
    prompt = saved["peft_type"] == "PREFIX_TUNING"
    # PEFT initialises PiSSA only in float32 (its SVD then limits the residual to ~1e-6 relative): load in
    # float32, then recompute the residual in float64 below.
    pissa = saved.get("init_lora_weights") == "pissa"
    dtype = torch.float32 if pissa else torch.float64
    if req.get("auto"):
        cls = AutoPeftModelForCausalLM if req["family"] == "llama" else AutoPeftModelForSequenceClassification
        extra = {} if req["family"] == "llama" else {"num_labels": NUM_LABELS}
        model = cls.from_pretrained(req["adapter_dir"], is_trainable=trainable and not prompt, dtype=dtype, **extra)
    else:
        model = PeftModel.from_pretrained(base_model(req["family"], req["model_dir"], dtype), req["adapter_dir"], is_trainable=trainable and not prompt)
    model = model.double()  # the adapter's tensors (loaded as saved, float32) join the float64 base
    if pissa:
        pissa_residual_float64(model, req["family"], req.get("model_dir") or saved["base_model_name_or_path"])
    if trainable and prompt:
        for name, p in model.named_parameters():
            p.requires_grad_(name.startswith("prompt_encoder.") or ".modules_to_save." in name)
    return model


def pissa_residual_float64(model, family, model_dir):
    """PEFT's PiSSA residual W - s·B0·A0 (B0, A0 from the top-r SVD of the original W), recomputed in float64."""
    from peft.tuners.lora import LoraLayer

    original = dict(base_model(family, model_dir, torch.float64).named_modules())
    for name, module in model.named_modules():
        if not isinstance(module, LoraLayer) or "default" not in module.lora_A:
            continue
        w = original[name.split("base_model.model.", 1)[1]].weight.detach()
        s, r = module.scaling["default"], module.r["default"]
        v, sv, uh = torch.linalg.svd(w, full_matrices=False)
        root = (sv[:r] / s).sqrt()
        a0 = torch.diag(root) @ uh[:r]
        b0 = v[:, :r] @ torch.diag(root)
        with torch.no_grad():
            module.base_layer.weight.copy_(w - s * b0 @ a0)


def evaluate(req):
    model = load(req).eval()
    ids, mask = batch_tensors(req["batch"])
    labels = torch.tensor(req["batch"]["labels"], dtype=torch.long)
    with torch.no_grad():
        logits = forward(model, req["family"], ids, mask)
    loss = per_example_loss(req["family"], logits, labels)
    return {
        "logits": logits.double().reshape(-1).tolist(),
        "shape": list(logits.shape),
        "losses": loss.tolist(),
        "base_model_name_or_path": model.peft_config["default"].base_model_name_or_path if hasattr(model, "peft_config") else None,
    }


def saved_names(model, names):
    """PEFT's saved key for each trainable parameter name (what adapter_model.safetensors and fish-tuning use)."""
    from peft import get_peft_model_state_dict

    if model.peft_config["default"].is_prompt_learning:
        # get_peft_model_state_dict reads prompt learning from the model itself; its one tensor is saved as prompt_embeddings.
        return {n: "prompt_embeddings" if n.startswith("prompt_encoder.") else n.replace(".modules_to_save.default.", ".") for n in names}
    probe = {n: torch.tensor([float(i)]) for i, n in enumerate(names)}
    saved = get_peft_model_state_dict(model, state_dict=probe)
    by_index = {int(v.item()): k for k, v in saved.items()}
    return {n: by_index[i] for i, n in enumerate(names)}


def fisher(req):
    model = load(req, trainable=True).eval()
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    acc = {n: torch.zeros_like(p, dtype=torch.float64) for n, p in params}
    rows = req["rows"]
    for row in rows:
        ids = torch.tensor([row["input_ids"]], dtype=torch.long)
        mask = torch.ones_like(ids)
        labels = torch.tensor([row["label"]] if req["family"] == "bert" else [row["labels"]], dtype=torch.long)
        model.zero_grad(set_to_none=True)
        loss = per_example_loss(req["family"], forward(model, req["family"], ids, mask), labels)[0]
        loss.backward()
        for n, p in params:
            acc[n] += p.grad.double() ** 2
    out = {}
    names = saved_names(model, [n for n, _ in params])
    for n, _ in params:
        out[names[n]] = {"shape": list(acc[n].shape), "data": (acc[n] / len(rows)).reshape(-1).tolist()}
    return out


OPS = {"make": make, "evaluate": evaluate, "fisher": fisher}

def run(request):
    if "ops" in request:  # several requests in one process: torch and transformers import once
        return [run(r) for r in request["ops"]]
    return OPS[request["op"]](request)


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.stdin.read()))))
