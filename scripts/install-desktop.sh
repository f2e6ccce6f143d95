#!/usr/bin/env bash
# Installs Blockpeer for the current user only, without a package manager — where the
# Debian package cannot be installed (sudo apt install ./target/debian/blockpeer_*.deb
# is the way otherwise). It builds that package (scripts/package.sh) and copies its very
# files into ~/.local: the binary into ~/.local/bin; the desktop entry (naming the binary
# by its full path: ~/.local/bin is not on every desktop session's PATH), the icons, the
# AppStream metainfo, the man pages and the bash and fish completions into
# $XDG_DATA_HOME (~/.local/share). Blockpeer then opens from the application menu.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/package.sh
. scripts/setup.sh
deb=$(package_path)
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"

bin=$HOME/.local/bin
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry=$data/applications/io.github.blockpeer.Blockpeer.desktop
install -Dm755 "$unpacked/usr/bin/blockpeer" "$bin/blockpeer"
for folder in applications icons metainfo man bash-completion fish; do
    mkdir -p "$data/$folder"
    cp -r "$unpacked/usr/share/$folder/." "$data/$folder/"
done
sed -i -e "s|^Exec=blockpeer|Exec=$bin/blockpeer|" -e "s|^TryExec=blockpeer|TryExec=$bin/blockpeer|" "$entry"
# Version 0.1.0 installed its entry under another name.
rm -f "$data/applications/blockpeer.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "Installed: $bin/blockpeer, $entry, the icons, man pages and completions."
echo "Open Blockpeer from the application menu (it may take a moment to appear)."
