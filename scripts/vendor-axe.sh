#!/bin/sh
# Refresh tests/browser/vendor/axe.min.js from the npm package axe-core (see tests/browser/vendor/README.md).
set -eu
version="${1:?usage: scripts/vendor-axe.sh VERSION (for example 4.14.1)}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf axe-core-*.tgz)
cp "$work/package/axe.min.js" "$here/tests/browser/vendor/axe.min.js"
cp "$work/package/LICENSE" "$here/tests/browser/vendor/axe-core.LICENSE"
sha256sum "$here/tests/browser/vendor/axe.min.js"
