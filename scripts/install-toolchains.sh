#!/usr/bin/env bash
# Install the Debian packages of the compilers/interpreters the sandbox supports, only if missing.
# Idempotent: a toolchain already present (as a command reachable from the standard system
# directories) is left alone; `apt-get update` runs at most once. Needs root (or sudo) to install.
set -euo pipefail

# command -> Debian package providing it (same table as src/codesim/execution/languages.py).
declare -A PACKAGES=(
  [gcc]=gcc
  [g++]=g++
  [javac]=default-jdk-headless
  [node]=nodejs
  [go]=golang-go
  [rustc]=rustc
  [ruby]=ruby
  [php]=php-cli
)

# Toolchains must be reachable by the unprivileged sandbox user, so only system directories count
# (e.g. a rustup install under /root/.cargo is not usable by the sandbox).
SYSTEM_PATH=/usr/local/bin:/usr/bin:/bin:/usr/lib/go/bin:/usr/local/go/bin

missing=()
for tool in "${!PACKAGES[@]}"; do
  if ! PATH="$SYSTEM_PATH" command -v "$tool" >/dev/null 2>&1; then
    missing+=("${PACKAGES[$tool]}")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-toolchains: all sandbox toolchains present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-toolchains: missing packages ${missing[*]} and not root; install them with apt-get" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-toolchains: missing packages ${missing[*]}; no apt-get on this system, install them yourself" >&2
  exit 1
fi

mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-toolchains: installing ${unique[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${unique[@]}"
