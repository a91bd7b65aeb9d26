"""Applying a fish-tuning bottleneck adapter (peft_type FISH_ADAPTER, packages/adapter) to a transformers model.

PEFT has no bottleneck-adapter type and the adapter cannot be merged into the base weights, so this is how such
a directory is used from Python: one forward hook per target module adds  B·act(A·h + a) + c  to the module's
output h (before the model's dropout, residual and LayerNorm), and a saved head (modules_to_save) is copied in.

    model = BertForSequenceClassification.from_pretrained(base, num_labels=2)
    apply_fish_adapter(model, "out/adapter")
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

ACTIVATIONS = {"swish": F.silu, "relu": F.relu, "gelu": F.gelu, "tanh": torch.tanh}
PREFIX = "base_model.model."


def apply_fish_adapter(model, adapter_dir):
    """Hooks every adapted module of `model`; returns the hook handles (call .remove() to take them off)."""
    config = json.load(open(os.path.join(adapter_dir, "adapter_config.json")))
    if config.get("peft_type") != "FISH_ADAPTER":
        raise ValueError(f"{adapter_dir}: peft_type is {config.get('peft_type')!r}, not FISH_ADAPTER")
    act = ACTIVATIONS[config["non_linearity"]]
    tensors = load_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
    modules = dict(model.named_modules())
    handles, used = [], set()
    for name in sorted(tensors):
        if not name.endswith(".adapter_down.weight"):
            continue
        path = name[len(PREFIX):-len(".adapter_down.weight")]
        if path not in modules:
            raise KeyError(f"{adapter_dir}: tensor {name}: the model has no module {path!r}")
        keys = {k: f"{PREFIX}{path}.{k}" for k in ("adapter_down.weight", "adapter_down.bias", "adapter_up.weight", "adapter_up.bias")}
        p = {k: tensors.get(v) for k, v in keys.items()}
        used.update(v for v in keys.values() if v in tensors)

        def hook(_module, _inputs, h, p=p):
            q = {k: None if v is None else v.to(h.dtype) for k, v in p.items()}
            z = act(F.linear(h, q["adapter_down.weight"], q["adapter_down.bias"]))
            return h + F.linear(z, q["adapter_up.weight"], q["adapter_up.bias"])

        handles.append(modules[path].register_forward_hook(hook))
    # The saved task head (modules_to_save): base_model.model.classifier.{weight,bias}.
    state = model.state_dict()
    with torch.no_grad():
        for name, value in tensors.items():
            if name in used:
                continue
            target = name[len(PREFIX):]
            if target not in state:
                raise KeyError(f"{adapter_dir}: tensor {name} is neither an adapter tensor nor a model weight")
            state[target].copy_(value)
    return handles
