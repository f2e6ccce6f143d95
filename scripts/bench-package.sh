#!/usr/bin/env bash
# The package's benchmark (docs/PERFORMANCE.md): the .deb's size, the installed binary's
# size, everything the package installs, and the time from launching the installed
# binary to its dialog's first frame under Xvfb (`blockpeer bench launch`, 10 launches) —
# a table, with the CPU model. It builds the package first (scripts/package.sh), unless
# given one; the package is unpacked with dpkg-deb, as apt would lay it out.
# Usage: scripts/bench-package.sh [DEB]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_xvfb
deb=${1:-}
if [ -z "$deb" ]; then
    scripts/package.sh
    deb=$(package_path)
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
mib() { awk -v bytes="$1" 'BEGIN { printf "%.1f MiB", bytes / 1048576 }'; }
echo "$(basename "$deb"); CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo "| measure | value |"
echo "|---|---|"
echo "| package (.deb, xz) | $(mib "$(stat -c %s "$deb")") |"
echo "| installed binary, /usr/bin/blockpeer | $(mib "$(stat -c %s "$root/usr/bin/blockpeer")") |"
echo "| everything installed (Installed-Size) | $(mib "$(($(dpkg-deb --field "$deb" Installed-Size) * 1024))") |"
xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
    "$root/usr/bin/blockpeer" bench launch --launches 10
