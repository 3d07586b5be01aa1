#!/usr/bin/env bash
# Creates benchmarks/.venv-presidio: Presidio's analyzer with a blank spaCy pipeline,
# kept apart from the project venv so its heavy dependencies never leak into aimonitor.
# No spaCy model is downloaded: the benchmark uses spacy.blank("en"), i.e. pattern
# recognizers only, which is the fair comparison with our regex + checksum detectors.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-presidio"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet presidio-analyzer spacy
"$venv/bin/python" -c "import presidio_analyzer, spacy; print('presidio', presidio_analyzer.__version__ if hasattr(presidio_analyzer, '__version__') else '?', 'spacy', spacy.__version__)"
