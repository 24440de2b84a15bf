#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 as user postgres (trust), for the
# PostgreSQL half of the suite. Starts the installed cluster, or installs Debian's
# postgresql if there is none. If nothing works the PostgreSQL tests skip, saying why.
set -u
HOST=127.0.0.1; PORT=5432
ready() { pg_isready -q -h "$HOST" -p "$PORT" -U postgres 2>/dev/null; }
connects() { psql -h "$HOST" -p "$PORT" -U postgres -d postgres -w -Atc "select 1" >/dev/null 2>&1; }

if command -v pg_isready >/dev/null 2>&1 && ready && connects; then exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "ensure-postgres: PostgreSQL is not reachable and this user cannot start it; its tests will be skipped." >&2
    exit 0
  fi
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installing PostgreSQL (Debian package) for the PostgreSQL half of the tests..."
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null 2>&1 \
      || { echo "ensure-postgres: could not install postgresql; its tests will be skipped." >&2; exit 0; }
  else
    echo "ensure-postgres: no PostgreSQL and no apt-get; its tests will be skipped." >&2; exit 0
  fi
fi

VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)
if ! ready; then
  echo "Starting PostgreSQL $VERSION..."
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start 2>/dev/null || true
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ready && ! connects; then
  # A fresh Debian cluster asks for passwords over TCP; the test machine trusts loopback.
  HBA="/etc/postgresql/$VERSION/main/pg_hba.conf"
  if [ -w "$HBA" ] || [ -n "$SUDO" ]; then
    echo "Allowing trust for postgres on 127.0.0.1 in $HBA (test machine)."
    $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust' "$HBA"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$VERSION" main reload 2>/dev/null || true
    sleep 1
  fi
fi
if ready && connects; then exit 0; fi
echo "ensure-postgres: PostgreSQL still not reachable on $HOST:$PORT; its tests will be skipped." >&2
exit 0
