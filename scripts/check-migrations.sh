#!/usr/bin/env bash
# Fails when the entities and an engine's migrations disagree: it builds a new database with the
# migrations, then asks TypeORM to generate a migration from the entities, which must find nothing.
#   scripts/check-migrations.sh            SQLite
#   scripts/check-migrations.sh postgres   PostgreSQL, in a database it creates and drops on the
#                                          server of TEST_DATABASE_URL (default: the local one)
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${1:-sqlite}
dir=$(mktemp -d)
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT

if [ "$engine" = postgres ]; then
  server=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
  database="nest_auth_drift_$$"
  psql "$server" -qc "CREATE DATABASE $database"
  cleanup() { rm -rf "$dir"; psql "$server" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"; }
  export DATABASE_URL="${server%/*}/$database"
else
  export DATABASE_URL="sqlite:$dir/drift.db"
fi

npm run --silent typeorm migration:run > /dev/null
if ! npm run --silent typeorm -- migration:generate --check "src/infra/database/migrations/$engine/Drift"; then
  echo "The entities and the $engine migrations disagree: generate a migration (README, 'Migrations')." >&2
  exit 1
fi
