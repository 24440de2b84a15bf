#!/usr/bin/env bash
# Install Debian's Chromium for the browser journeys if it is missing.
# Without it (and without root to install it) the browser tests skip, saying why.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "ensure-chromium: not root and no sudo; browser tests will be skipped." >&2; exit 0; fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no apt-get here; install Chromium at /usr/bin/chromium for browser tests." >&2; exit 0
fi
echo "Installing Chromium (Debian package) for the browser tests..."
$SUDO apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 \
  || echo "ensure-chromium: apt-get install chromium failed; browser tests will be skipped." >&2
exit 0
