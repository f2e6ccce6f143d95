#!/usr/bin/env bash
# Renders the app icon's PNGs from icons/blockpeer.svg with rsvg-convert (librsvg), one
# per size of the desktop's hicolor theme: icons/blockpeer-SIZE.png. The PNGs are
# committed, so building the package needs no SVG renderer; run this again after
# changing the SVG (the sizes are the ones Cargo.toml's [package.metadata.deb] installs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_apt librsvg2-bin
for size in $ICON_SIZES; do
    rsvg-convert --width "$size" --height "$size" icons/blockpeer.svg --output "icons/blockpeer-$size.png"
done
echo "icons: rendered $ICON_SIZES px from icons/blockpeer.svg"
