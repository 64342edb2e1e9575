#!/usr/bin/env bash
# npm run test:pg [-- <jest args>]: the server test suite against PostgreSQL. Starts a throwaway
# cluster (a temp directory, a unix socket in it, no TCP port), runs the suites that use the
# database with LEDGER_TEST_DATABASE_URL pointing at it (each test database gets a schema of its
# own, see tests/server/helpers.ts), then stops the cluster and removes the directory.
# Never skips: without PostgreSQL's server programs it fails, naming the Debian package.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${PG_BIN:-}"
if [ -z "$bin" ]; then
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bin="$candidate"; break; fi
  done
fi
if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"; fi
if [ -z "$bin" ]; then
  echo "npm run test:pg: PostgreSQL's initdb and pg_ctl were not found. Install the Debian package postgresql (apt-get install postgresql), or set PG_BIN to the directory holding them." >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/ledger-test-pg.XXXXXX")"
# PostgreSQL refuses to run as root: the cluster belongs to an unprivileged user
as=()
if [ "$(id -u)" = 0 ]; then
  owner="${PG_TEST_USER:-postgres}"
  id "$owner" >/dev/null 2>&1 || { echo "npm run test:pg: running as root needs the user '$owner' (created by the Debian package postgresql) or PG_TEST_USER" >&2; rm -rf "$dir"; exit 1; }
  chown "$owner" "$dir"
  as=(runuser -u "$owner" --)
fi
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U ledger -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a throwaway cluster, nothing in it outlives the run
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir"

export LEDGER_TEST_DATABASE_URL="postgres://ledger@localhost/postgres?host=$dir"
export PG_POOL_SIZE="${PG_POOL_SIZE:-5}"
# the suites that use the database: the server's and the add-in's against a live server
suites=(tests/server $(grep -l "startTestServer" tests/addin/*.ts* 2>/dev/null || true))
if [ $# -gt 0 ]; then suites=("$@"); fi
npx jest "${suites[@]}"
