#!/usr/bin/env bash
# Installs what Blockpeer needs, builds it (release) and runs it. Extra arguments go to
# blockpeer; with none, it starts a local demo network (this peer and 4 more, one of
# them mining at a low difficulty): in the window when there is a display, else headless.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
cargo build --release --locked
if [ $# -eq 0 ]; then
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        set -- --demo 4
    else
        set -- --headless --demo 4
    fi
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --headless "* ]]; then
    ensure_gui_runtime
fi
exec target/release/blockpeer "$@"
