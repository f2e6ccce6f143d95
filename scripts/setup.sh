#!/usr/bin/env bash
# Shared by run.sh and test.sh: installs, idempotently, what building Blockpeer needs
# on Debian/Ubuntu — a few apt packages and a Rust toolchain new enough for edition 2024.

MIN_RUST_MINOR=90

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_apt PACKAGE… — installs the packages that are not installed yet.
ensure_apt() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# ensure_rust — a stable toolchain ≥ 1.MIN_RUST_MINOR with rustfmt and clippy.
ensure_rust() {
    [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
    local minor
    minor=$(rustc --version 2>/dev/null | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
    if [ -z "$minor" ] || [ "$minor" -lt "$MIN_RUST_MINOR" ]; then
        echo "setup: installing the Rust toolchain (rustup)"
        ensure_apt curl ca-certificates
        curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
        . "$HOME/.cargo/env"
    fi
    if command -v rustup >/dev/null; then
        rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
        rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    fi
}

# Everything the build links against (C toolchain for crates with C parts). The window
# needs no -dev packages to build: X11, Wayland, EGL and GL are loaded at run time.
ensure_build_deps() {
    ensure_apt build-essential pkg-config
    ensure_rust
}

# NVRTC, CUDA's run-time compiler (no GPU needed), from PyPI's nvidia-cuda-nvrtc-cu12 in a
# project-local venv: the test that compiles the CUDA kernel loads it.
NVRTC_VENV=.venv-nvrtc
NVRTC_PACKAGE=nvidia-cuda-nvrtc-cu12==12.9.86

# ensure_nvrtc — installs it once; exports BLOCKPEER_NVRTC, the folder of libnvrtc.so.12.
ensure_nvrtc() {
    local python="$NVRTC_VENV/bin/python3"
    local find='import nvidia.cuda_nvrtc as m, os; print(os.path.join(list(m.__path__)[0], "lib"))'
    if ! "$python" -c "$find" >/dev/null 2>&1; then
        echo "setup: installing NVRTC ($NVRTC_PACKAGE) into $NVRTC_VENV"
        ensure_apt python3 python3-venv
        [ -x "$python" ] || python3 -m venv "$NVRTC_VENV"
        "$python" -m pip install --quiet --disable-pip-version-check "$NVRTC_PACKAGE"
    fi
    BLOCKPEER_NVRTC=$("$python" -c "$find")
    export BLOCKPEER_NVRTC
}

# What the window loads at run time: OpenGL (Mesa, with its software renderer), EGL and
# the X11/Wayland client libraries.
ensure_gui_runtime() {
    ensure_apt libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1 \
        libwayland-client0 libwayland-egl1
}

# A virtual X display and a screen grabber, for screenshots and the window's benchmark.
ensure_xvfb() {
    ensure_gui_runtime
    ensure_apt xvfb xauth imagemagick
}

# The app icon's sizes in the desktop's hicolor theme: scripts/icons.sh renders them,
# Cargo.toml's [package.metadata.deb] installs them, scripts/check-package.sh checks both.
ICON_SIZES="16 22 24 32 48 64 128 256 512"

# cargo-deb, which builds the Debian package from Cargo.toml's [package.metadata.deb].
CARGO_DEB_VERSION=3.8.0

# ensure_packaging — what building the package needs: cargo-deb (from crates.io, this
# version), dpkg-dev (dpkg-shlibdeps computes the libraries the binary links) and python3
# (scripts/debian-changelog.py).
ensure_packaging() {
    ensure_apt dpkg-dev python3
    if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
        echo "setup: installing cargo-deb $CARGO_DEB_VERSION (crates.io)"
        cargo install --quiet --locked cargo-deb --version "$CARGO_DEB_VERSION"
    fi
}

# package_path — where scripts/package.sh leaves the package of the version in Cargo.toml.
package_path() {
    local version revision
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
    revision=$(sed -n 's/^revision = "\(.*\)"$/\1/p' Cargo.toml)
    echo "${CARGO_TARGET_DIR:-target}/debian/blockpeer_${version}-${revision}_$(dpkg --print-architecture).deb"
}

# package_maintainer — who the package names as its maintainer: "$DEBFULLNAME <$DEBEMAIL>"
# when both are set (as for Debian's own tools), else Cargo.toml's.
package_maintainer() {
    if [ -n "${DEBFULLNAME:-}" ] && [ -n "${DEBEMAIL:-}" ]; then
        echo "$DEBFULLNAME <$DEBEMAIL>"
    else
        sed -n 's/^maintainer = "\(.*\)"$/\1/p' Cargo.toml
    fi
}

# ensure_package_checks — what checking the package needs: the validators, man, the
# shells whose completions are loaded, and a virtual display for the window.
ensure_package_checks() {
    ensure_packaging
    ensure_apt lintian desktop-file-utils appstream man-db bash-completion zsh fish python3 x11-utils
    ensure_xvfb
}
