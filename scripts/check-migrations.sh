#!/usr/bin/env bash
# Fails when the entities and the migrations disagree: it builds a new database with the
# migrations, then asks TypeORM to generate a migration from the entities, which must find nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite:$dir/drift.db"

npm run --silent typeorm migration:run > /dev/null
if ! npm run --silent typeorm -- migration:generate --check src/database/migrations/Drift; then
  echo "The entities and the migrations disagree: generate a migration (README, 'Migrations')." >&2
  exit 1
fi
