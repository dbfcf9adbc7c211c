#!/usr/bin/env bash
# Install Debian's chromium for the test that drives `snowball label`'s page through Playwright
# (tests/labelling/test_page_chromium.py, which skips without it). Idempotent and quick: does nothing
# when chromium is already on the PATH. Playwright itself comes with the dev extras and downloads no browser.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no chromium and no apt-get; install chromium by hand (the page test will be skipped)" >&2
    exit 0
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "install-browser: not root and no sudo; install chromium by hand (the page test will be skipped)" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
    "${SUDO[@]}" apt-get update -qq
fi
install() { "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
if ! install; then
    # Stale package lists point at versions the mirror no longer has: refresh once and retry.
    "${SUDO[@]}" apt-get update -qq
    install
fi
echo "install-browser: installed chromium"
