#!/usr/bin/env bash
# FISH-Tuning in miniature on GLUE SST-2 with all-MiniLM-L6-v2: FISH mask vs random vs reverse mask at the same
# trainable LoRA entry count, plus vanilla LoRA (no mask) at the rank with the same count.
#
#   bash scripts/experiments/sst2-minilm.sh [outdir] [seeds] [jobs]
#   defaults: outdir=/tmp/sst2-minilm  seeds="0 1"  jobs=2 (runs in parallel; wasm is single-threaded)
#
# Every run writes <outdir>/<variant>-s<seed>/{metrics.json,log.jsonl,...} and <outdir>/<variant>-s<seed>.log
# (the CLI's stdout/stderr with the trainable counts) and <outdir>/<variant>-s<seed>.time (wall seconds).
# At the end the table is printed from those files (scripts/experiments/sst2-minilm-table.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/sst2-minilm}
SEEDS=${2:-"0 1"}
JOBS=${3:-2}
MODEL=.cache/models/all-MiniLM-L6-v2
DATA=${DATA_DIR:-/work/shared/data}
[ -d "$MODEL" ] || bash scripts/fetch-models.sh
mkdir -p "$OUT"
# Build once through the root script, then call the built CLI directly so parallel runs don't race turbo.
pnpm -s fish-tune --help >/dev/null

# Shared protocol (sized to a 2-core machine and a 55-minute budget): LoRA on query/key/value of the top 2 layers
# (4, 5), the first 800 training rows, 2 epochs at batch 16 (100 updates), AdamW lr 5e-3 linear decay, scaling
# alpha/r = 2 for every rank, one evaluation at the end on the first 500 of the 872 validation rows
# (--eval-every larger than the run = evaluate only at the last step; each evaluation is two full passes).
COMMON=(--model "$MODEL" --task glue/sst2 --data-dir "$DATA" --limit 800 --eval-limit 500 --eval-every 100000
  --num-labels 2 --method lora --targets query,key,value --layers top:2 --epochs 2 --batch-size 16 --lr 5e-3
  --no-progress)
# r=8 on 6 modules of 384x384 = 6 * 2 * 8 * 384 = 36864 LoRA entries; 4608 (12.5%) of them = r=1 vanilla LoRA.
COUNT=4608
variant_args() {
  case $1 in
    fish)    echo "--rank 8 --alpha 16 --mask fish --count $COUNT" ;;
    random)  echo "--rank 8 --alpha 16 --mask random --count $COUNT" ;;
    reverse) echo "--rank 8 --alpha 16 --mask reverse --count $COUNT" ;;
    vanilla) echo "--rank 1 --alpha 2 --mask none" ;;
  esac
}
run_one() {
  local v=$1 s=$2 dir="$OUT/$1-s$2"
  if [ -f "$dir/metrics.json" ]; then echo "skip $v s$s (done)"; return; fi
  local t0=$(date +%s)
  # shellcheck disable=SC2046
  # Other work in the same tree may rebuild the packages' dist/ mid-grid (tsup cleans first): a start that can't
  # resolve a module is retried; a run that started keeps the modules it loaded.
  local try
  for try in 1 2 3 4 5 6; do
    if node packages/cli/dist/fish-tune.js train "${COMMON[@]}" $(variant_args "$v") --seed "$s" --out "$dir" \
      >"$dir.log" 2>&1; then break; fi
    if grep -q ERR_MODULE_NOT_FOUND "$dir.log" && [ $try -lt 6 ]; then sleep 20; t0=$(date +%s); continue; fi
    echo "FAILED $v s$s (see $dir.log)"; return
  done
  echo $(( $(date +%s) - t0 )) >"$dir.time"
  echo "done $v s$s in $(cat "$dir.time") s"
}
export -f run_one variant_args
export OUT MODEL DATA COUNT
export COMMON_STR="${COMMON[*]}"
for s in $SEEDS; do for v in fish random reverse vanilla; do echo "$v $s"; done; done |
  xargs -P "$JOBS" -L 1 bash -c 'COMMON=($COMMON_STR); run_one "$0" "$1"'
node scripts/experiments/sst2-minilm-table.mjs "$OUT"
