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
command -v php >/dev/null || need+=(php-cli) # PHP's SoapClient, as EC-Ship shop plugins call the SOAP API
php -r 'exit(class_exists("SoapClient") ? 0 : 1);' 2>/dev/null || need+=(php-soap)
{ command -v wsdl && command -v svcutil && command -v mcs; } >/dev/null || need+=(mono-devel) # .NET's WSDL importers (ASMX and WCF) and a C# compiler
command -v npm >/dev/null || need+=(npm) # to install Redocly's CLI, which lints the OpenAPI document
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

# PostgreSQL. The tests need a DSN whose user may create schemas (each test makes and drops its own).
# A caller's ECSHIP_TEST_POSTGRES that works is used as is. Otherwise (unset, or it does not connect:
# .ci/run always sets postgres://postgres@127.0.0.1/test, which needs trust auth, and Debian's default
# pg_hba.conf has peer for the socket and scram-sha-256 for TCP) we prepare a password role on the local
# cluster: as the postgres OS user over the Unix socket (peer auth), so no pg_hba.conf is ever edited.
# ECSHIP_TEST_PG_PORT picks the local cluster by port (default 5432).
pg_port="${ECSHIP_TEST_PG_PORT:-5432}"
pg_user=ecship_test # role and database of that name, owned by the role
hide_pw() { sed -E 's#(//[^:/@]*):[^@/]*@#\1:***@#' <<<"${1%%\?*}"; } # a DSN fit to print
pg_works() { # connects, and may create schemas; -w: never prompt for a password
  PGCONNECT_TIMEOUT=5 psql -X -w -tAc "SELECT has_database_privilege(current_database(), 'CREATE')" "$1" 2>/dev/null | grep -qx t
}
pg_prepare_role() { # prints a DSN for $pg_user on the local cluster
  # Test-only password for a throwaway local role, new each run (ALTER ROLE), never stored anywhere.
  local pw
  pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  [ "$(id -u)" = 0 ] && command -v runuser >/dev/null || return 1
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres -v pw="$pw") >/dev/null <<SQL || return 1
SELECT 'CREATE ROLE $pg_user' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pg_user') \gexec
ALTER ROLE $pg_user LOGIN PASSWORD :'pw';
SELECT 'CREATE DATABASE $pg_user OWNER $pg_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$pg_user') \gexec
ALTER DATABASE $pg_user OWNER TO $pg_user;
SQL
  echo "postgres://$pg_user:$pw@127.0.0.1:$pg_port/$pg_user?sslmode=disable"
}

# Start the local cluster on that port if it is installed but down (containers have no systemd to do it).
if command -v pg_lsclusters >/dev/null && ! pg_isready -q -h 127.0.0.1 -p "$pg_port" 2>/dev/null; then
  read -r pg_ver pg_cluster _ < <(pg_lsclusters -h | awk -v p="$pg_port" '$3 == p' | sort -V | tail -n1) || true
  if [ -n "${pg_ver:-}" ]; then
    say "starting PostgreSQL $pg_ver/$pg_cluster"
    pg_ctlcluster --skip-systemctl-redirect "$pg_ver" "$pg_cluster" start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.5; done
  fi
fi

given="${ECSHIP_TEST_POSTGRES:-}"
if command -v psql >/dev/null && ! { [ -n "$given" ] && pg_works "$given"; }; then
  if pg_isready -q -h 127.0.0.1 -p "$pg_port" && dsn=$(pg_prepare_role) && pg_works "$dsn"; then
    [ -z "$given" ] || say "ECSHIP_TEST_POSTGRES ($(hide_pw "$given")) does not connect (or may not create schemas): using role $pg_user of the local PostgreSQL instead"
    export ECSHIP_TEST_POSTGRES="$dsn"
  elif [ -n "$given" ]; then
    say "ECSHIP_TEST_POSTGRES ($(hide_pw "$given")) does not connect, nor could a role $pg_user be prepared on port $pg_port"
  fi
fi
if [ -n "${ECSHIP_TEST_POSTGRES:-}" ]; then
  say "PostgreSQL tests on $(hide_pw "$ECSHIP_TEST_POSTGRES")"
else
  say "PostgreSQL not available: store tests run on SQLite only"
fi

# Static checks: staticcheck and goimports, pinned, installed from the Go module proxy when missing.
tools="$(go env GOPATH)/bin"
staticcheck_version=v0.8.2 # staticcheck 2026.2.2
goimports_version=v0.52.0
"$tools/staticcheck" -version 2>/dev/null | grep -q "(${staticcheck_version#v})" ||
  go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
go version -m "$tools/goimports" 2>/dev/null | grep -q "golang.org/x/tools[[:space:]]*$goimports_version" ||
  go install "golang.org/x/tools/cmd/goimports@$goimports_version"

gofiles=$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')
say "gofmt and goimports"
unformatted=$(gofmt -l $gofiles; "$tools/goimports" -l $gofiles)
if [ -n "$unformatted" ]; then echo "gofmt or goimports wants to reformat:"; echo "$unformatted" | sort -u; exit 1; fi

say "go vet"
go vet ./...

say "staticcheck"
"$tools/staticcheck" ./...

# The REST API's OpenAPI document against Redocly's recommended rules (errors fail; the one warning
# left is the document's missing licence, as the project has chosen none yet). Redocly's CLI comes
# from the npm registry, pinned, installed once into a cache folder.
redocly_version=2.77.0
redocly_dir="${XDG_CACHE_HOME:-$HOME/.cache}/ecship-redocly-$redocly_version"
if command -v npm >/dev/null; then
  [ -x "$redocly_dir/node_modules/.bin/redocly" ] ||
    { mkdir -p "$redocly_dir" && npm install --silent --prefix "$redocly_dir" "@redocly/cli@$redocly_version" >/dev/null; }
  say "redocly lint"
  REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$redocly_dir/node_modules/.bin/redocly" lint internal/api/openapi.json --format=stylish 2>&1 |
    grep -E "error|warning|valid" | grep -v "Node.js" || true
  REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$redocly_dir/node_modules/.bin/redocly" lint internal/api/openapi.json >/dev/null 2>&1 ||
    { echo "redocly lint found errors in internal/api/openapi.json"; exit 1; }
elif [ -n "${CI:-}" ]; then
  echo "npm is missing: the OpenAPI lint needs it (apt-get install -y npm)"; exit 1
fi

# axe-core, pinned from the npm registry: the browser tests run it in every portal page they visit
# (ECSHIP_AXE names its script; without it they skip that check, except in CI).
axe_version=4.10.3
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/ecship-axe-$axe_version"
if command -v npm >/dev/null; then
  [ -f "$axe_dir/node_modules/axe-core/axe.min.js" ] ||
    { mkdir -p "$axe_dir" && npm install --silent --prefix "$axe_dir" "axe-core@$axe_version" >/dev/null; }
  export ECSHIP_AXE="$axe_dir/node_modules/axe-core/axe.min.js"
fi

say "go test"
go test -count=1 ./...
