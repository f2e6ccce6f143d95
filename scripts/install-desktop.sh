#!/usr/bin/env bash
# Installs Blockpeer for the current user, so it opens with a double-click from the
# desktop's application menu or file manager: the release binary in ~/.local/bin, the
# desktop entry in ~/.local/share/applications, the icon in the hicolor theme.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
cargo build --release --locked

bin="$HOME/.local/bin"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor"
install -Dm755 target/release/blockpeer "$bin/blockpeer"
# The desktop entry names the binary by its full path: ~/.local/bin is not on every
# desktop session's PATH.
sed -e "s|^Exec=blockpeer|Exec=$bin/blockpeer|" -e "s|^TryExec=blockpeer|TryExec=$bin/blockpeer|" \
    icons/blockpeer.desktop | install -Dm644 /dev/stdin "$apps/blockpeer.desktop"
install -Dm644 icons/blockpeer-256.png "$icons/256x256/apps/blockpeer.png"
install -Dm644 icons/blockpeer.svg "$icons/scalable/apps/blockpeer.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
echo "Installed: $bin/blockpeer, $apps/blockpeer.desktop and the icon."
echo "Open Blockpeer from the application menu (it may take a moment to appear)."
