#!/usr/bin/env bash
# Installs goldenpath's build dependencies from Debian packages. Idempotent: when every package is
# already installed it does nothing (and needs no network), so every entry script can call it.
set -euo pipefail

packages=(
    cmake ninja-build g++ make pkg-config lld
    libboost1.81-dev libssl-dev nlohmann-json3-dev libfmt-dev
    libgtest-dev libgmock-dev libcli11-dev libsimdjson-dev
)
[ "${GOLDENPATH_WITH_CLANG:-0}" = 1 ] && packages+=(clang clang-14 libclang-rt-14-dev)
[ "${GOLDENPATH_WITH_CLANG_TIDY:-0}" = 1 ] && packages+=(clang-tidy-14)
[ "${GOLDENPATH_WITH_BENCH:-0}" = 1 ] && packages+=(libbenchmark-dev)
if [ "${GOLDENPATH_WITH_INTEROP:-0}" = 1 ]; then
    packages+=(python3-websockets openssl)
    # A NodeSource nodejs bundles npm and conflicts with Debian's npm: ask for the Debian
    # packages only when the commands are missing.
    command -v node >/dev/null || packages+=(nodejs)
    command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "goldenpath: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "goldenpath: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
