#!/usr/bin/env bash
# Builds (or refreshes) the pinned Python reference venv used by the interop harness and the tests
# that compare against PyTorch/PEFT. The venv lives outside the repository and is reused while
# interop/requirements.txt is unchanged (a stamp file holds its hash).
#
# Exit status: 0 when the venv is ready; 0 with "interop: skipped" on stdout when the package
# registry cannot be reached (the tests then skip with that reason); 1 on any other failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FISH_PYREF:-${XDG_CACHE_HOME:-$HOME/.cache}/fish-tuning/pyref}"
req="$here/requirements.txt"
stamp="$venv/.fish-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "interop: venv $venv is up to date"
  exit 0
fi

python="${FISH_PYREF_BASE_PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$venv/bin/python" ]; then
  echo "interop: creating $venv with $python"
  "$python" -m venv "$venv"
fi

# Already-satisfied pins install offline; anything missing needs the registry.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req" 2>"$venv/.pip-error.log"; then
  if grep -qiE "NewConnectionError|Network is unreachable|Temporary failure in name resolution|Max retries exceeded|ConnectionError" "$venv/.pip-error.log"; then
    echo "interop: skipped: the package registry cannot be reached ($(tail -1 "$venv/.pip-error.log"))"
    exit 0
  fi
  cat "$venv/.pip-error.log" >&2
  exit 1
fi
"$venv/bin/python" -c "import torch, transformers, peft, safetensors, numpy" 
echo "$want" >"$stamp"
echo "interop: venv $venv ready ($("$venv/bin/python" -c 'import torch, transformers, peft; print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__)'))"
