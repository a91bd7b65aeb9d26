#!/usr/bin/env bash
# The real results of docs/results.md: all-MiniLM-L6-v2 (pnpm fetch-models) on GLUE, native TensorFlow backend
# (pnpm fish-tune setup-native). Every grid is resumable: rerun the same line to continue; finished cells are kept.
#   bash scripts/experiments/minilm-glue.sh lora|ia3|fixed|rte [out-root]
# Lanes can run side by side (two or three on two cores gave ~1.2-1.45x the throughput of one).
# TASKS overrides the task list (default sst2,stsb,mrpc,cola; RTE, the slowest and least informative at this
# budget, is its own lane).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${2:-docs/results}
M=.cache/models/all-MiniLM-L6-v2
CLI="node packages/cli/dist/fish-tune.js --backend tensorflow reproduce"
SIZE="--model $M --data-dir ../shared/data --train-limit 640 --epochs 2 --batch-size 16 --lr 5e-3 --eval-every end"
MASKS="masks $SIZE --ratios 1,0.5 --layers top:2 --seeds 0,1,2"
TASKS=${TASKS:-sst2,stsb,mrpc,cola}
case "${1:?lora|ia3|fixed|rte}" in
  lora)  $CLI $MASKS --tasks "$TASKS" --methods lora --out "$OUT/masks-lora-minilm" ;;
  ia3)   $CLI $MASKS --tasks "$TASKS" --methods ia3 --out "$OUT/masks-ia3-minilm" ;;
  fixed) $CLI fixed-ratio $SIZE --tasks "$TASKS" --methods lora --seeds 0 --out "$OUT/fixed-ratio-lora-minilm" ;;
  rte)   $CLI $MASKS --tasks rte --methods lora --out "$OUT/masks-lora-minilm" ;;
esac
