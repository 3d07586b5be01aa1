#!/usr/bin/env bash
# Installs the gateway baselines into throw-away environments under benchmarks/ (git-ignored):
#   benchmarks/.venv-litellm      LiteLLM proxy (PyPI litellm[proxy])
#   benchmarks/.node-portkey      Portkey gateway (npm @portkey-ai/gateway)
# Nothing here touches the project venv. Re-running only upgrades what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"

venv="$here/.venv-litellm"
if [ ! -x "$venv/bin/litellm" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet "litellm[proxy]"
fi
"$venv/bin/python" -c "import importlib.metadata as m; print('litellm', m.version('litellm'))"

node_dir="$here/.node-portkey"
if [ ! -f "$node_dir/node_modules/@portkey-ai/gateway/package.json" ]; then
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent @portkey-ai/gateway
fi
node -e "console.log('portkey-gateway', require('$node_dir/node_modules/@portkey-ai/gateway/package.json').version)"
