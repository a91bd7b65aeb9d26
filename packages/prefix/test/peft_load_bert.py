# Python PEFT loads a fish-tuning adapter directory onto a Hugging Face BertForSequenceClassification saved by
# @fish-tuning/models' saveHfBert. INPUT: {model_dir, adapter_dir, ids, mask}; prints {logits, peft_type}.
import json
import torch
from transformers import BertForSequenceClassification
from peft import PeftModel

model = BertForSequenceClassification.from_pretrained(INPUT['model_dir']).eval()
# peft 0.13.2 fails here (PeftModelForSequenceClassification.add_adapter lacks low_cpu_mem_usage); 0.14.0 works.
peft_model = PeftModel.from_pretrained(model, INPUT['adapter_dir']).eval()
ids = torch.tensor(INPUT['ids'])
mask = torch.tensor(INPUT['mask'])
with torch.no_grad():
    out = peft_model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
print(json.dumps({'logits': out.logits.double().reshape(-1).tolist(), 'peft_type': str(peft_model.peft_config['default'].peft_type)}))
