#!/usr/bin/env bash
# Installs what the real-editor tests need, outside the extension's own dependencies: Debian's Chromium and
# ripgrep, and code-server + playwright-core into test/e2e/node_modules. Works without internet beyond the npm
# registry and Debian's packages (see ../../../shared/TESTING.md for why each step is here). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ripgrep libkrb5-dev >/dev/null
fi

if [ -x "$here/node_modules/.bin/code-server" ] && [ -d "$here/node_modules/playwright-core" ]; then
  exit 0
fi

# @vscode/ripgrep downloads rg from a host we cannot reach; seed its cache with Debian's binary instead.
tmp="${TMPDIR:-/tmp}"
cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
if [ ! -f "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  tar -C "$stage" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  rm -rf "$stage"
fi

cd "$here"
npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --no-package-lock
