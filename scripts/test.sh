#!/usr/bin/env bash
# Runs every test of ecship: go vet, unit tests, store tests on SQLite and PostgreSQL, browser tests.
# On a fresh Debian machine it first installs what the tests need (as root, with apt-get) and starts
# PostgreSQL if it is installed but down. ECSHIP_TEST_POSTGRES may name another PostgreSQL DSN.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '== %s\n' "$*"; }

command -v go >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install (go.mod names the version)"; exit 1; }

# Debian packages the tests use: Chromium for the portal's browser tests, a CJK font so Chinese renders,
# poppler (pdfinfo, pdftoppm, pdftotext) and zbar (zbarimg) to check PDF labels and their barcodes,
# the PostgreSQL server and client.
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || need+=(python3-openpyxl) # writes .xlsx files as other software does, for the batch tests
/usr/bin/python3 -c 'import zeep' 2>/dev/null || need+=(python3-zeep) # a real SOAP client generated from the WSDL, for the SOAP tests
command -v qpdf >/dev/null || need+=(qpdf) # checks the structure of the PDFs ecship writes
[ -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing ${need[*]}: install them (apt-get install ${need[*]}) or some tests will skip or fail"
  fi
fi

# PostgreSQL: the local server, started if it is installed but down; ECSHIP_TEST_POSTGRES, when given,
# names the database the tests use (default: the local server's database "test").
if command -v pg_ctlcluster >/dev/null; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 ||
      psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null 2>&1 ||
      su postgres -c "psql -c 'CREATE DATABASE test'" >/dev/null 2>&1 || true
    export ECSHIP_TEST_POSTGRES="${ECSHIP_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
  fi
fi
if [ -n "${ECSHIP_TEST_POSTGRES:-}" ]; then
  say "PostgreSQL tests on ${ECSHIP_TEST_POSTGRES%%\?*}"
else
  say "PostgreSQL not available: store tests run on SQLite only"
fi

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt wants to reformat:"; echo "$unformatted"; exit 1; fi

say "go vet"
go vet ./...

say "go test"
go test -count=1 ./...
