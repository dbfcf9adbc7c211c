#!/usr/bin/env bash
# Install the Prometheus and Alertmanager tools the ops tests use: promtool and prometheus
# (Debian package `prometheus`), amtool (Debian package `prometheus-alertmanager`); and chromium, the
# browser the test of `snowball label`'s page drives through Playwright (which downloads no browser).
# Idempotent and quick: does nothing when the four binaries are already on the PATH.
set -euo pipefail

missing_packages=()
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    missing_packages+=(prometheus)
fi
if ! command -v amtool >/dev/null 2>&1; then
    missing_packages+=(prometheus-alertmanager)
fi
if ! command -v chromium >/dev/null 2>&1; then
    missing_packages+=(chromium)
fi
if [ ${#missing_packages[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-ops-tools: missing ${missing_packages[*]} and no apt-get; install them by hand" >&2
    echo "install-ops-tools: the promtool, amtool, Prometheus and browser tests will be skipped" >&2
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "install-ops-tools: not root and no sudo; install ${missing_packages[*]} by hand" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when apt does not know the package yet (a fresh image has none).
if ! apt-cache show "${missing_packages[@]}" >/dev/null 2>&1; then
    "${SUDO[@]}" apt-get update -qq
fi
# The packages' post-install scripts try to start daemons; policy-rc.d and the absence of a
# running init keep them from starting, so nothing listens on 9090/9093 behind the tests' back.
install() { "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null; }
if ! install; then
    # Stale package lists point at versions the mirror no longer has: refresh once and retry.
    "${SUDO[@]}" apt-get update -qq
    install
fi
echo "install-ops-tools: installed ${missing_packages[*]}"
