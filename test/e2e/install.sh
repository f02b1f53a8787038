#!/usr/bin/env bash
# Installs what the real-editor tests need, outside the extension's own dependencies: Debian's Chromium and
# ripgrep, and code-server + playwright-core (+ @vscode/test-electron, for people with internet) into
# test/e2e/node_modules. Works without internet beyond the npm registry and Debian's packages, as root on a fresh
# machine (see ../../../shared/TESTING.md for why each step is here). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ripgrep libkrb5-dev >/dev/null
fi

# code-server's postinstall installs VS Code's own dependencies (native modules included) under lib/vscode and
# then links lib/vscode/node_modules.asar; without that link the install is incomplete, whatever .bin says.
installed() {
  [ -x "$here/node_modules/.bin/code-server" ] && [ -L "$here/node_modules/code-server/lib/vscode/node_modules.asar" ] &&
    [ -d "$here/node_modules/playwright-core" ] && [ -d "$here/node_modules/@vscode/test-electron" ]
}
if installed; then
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

# node-pty's install calls `npx node-gyp` (yes: no prompt). code-server's postinstall refuses to run as root
# unless npm_config_unsafe_perm is true, even though npm 11 no longer knows the setting (it warns, harmlessly).
# The postinstall runs `npm install` in lib/vscode and lib/vscode/extensions, whose package.json we do not own,
# so an allowScripts list cannot reach their native modules (node-pty, spdlog, kerberos, ...); npm 11.19 runs
# unreviewed install scripts with a notice, but its documented direction is to skip them, so this test-only
# folder opts in to all of them explicitly.
cd "$here"
npm_config_yes=true npm_config_unsafe_perm=true npm_config_dangerously_allow_all_scripts=true \
  npm install --no-audit --no-fund --no-package-lock
if ! installed; then
  echo "install.sh: code-server's postinstall did not complete (no lib/vscode/node_modules.asar); see the npm output above" >&2
  exit 1
fi
