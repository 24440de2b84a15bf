#!/usr/bin/env bash
# `storybank backup`/`restore` on PostgreSQL run pg_dump/pg_restore: install Debian's client if missing.
set -u
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "ensure-pg-client: pg_dump is missing and this user cannot install it; PostgreSQL backup tests will fail." >&2
    exit 0
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing the PostgreSQL client (pg_dump, pg_restore) for backups..."
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-client >/dev/null 2>&1 \
    || echo "ensure-pg-client: could not install postgresql-client." >&2
fi
exit 0
