#!/usr/bin/env bash
# Installs what Blockpeer needs, builds it (release) and runs it. Extra arguments go to
# blockpeer; with none, it starts a new local network that mines at a low difficulty.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
cargo build --release --locked
if [ $# -eq 0 ]; then
    set -- --headless -i 8001 -p 8999 -m --difficulty 6 --word-interval 30
fi
exec target/release/blockpeer "$@"
