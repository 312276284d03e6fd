#!/usr/bin/env bash
# Writes the secrets docker-compose.yml requires into an env file (default
# .env beside it), each a fresh random value, keeping any already there:
#   bash scripts/compose-env.sh            # creates or completes .env
# docker-compose.yml has no default password: without these it refuses to
# start and names the missing variable. The file is made readable by its
# owner only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${1:-$ROOT/.env}"
SECRETS=(POSTGRES_PASSWORD DB_OWNER_PASSWORD DB_APP_PASSWORD REDIS_PASSWORD MINIO_ROOT_PASSWORD ADMIN_TOKEN)

# Hex only: the values go into DATABASE_URL and REDIS_URL unescaped.
random_secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

touch "$ENV_FILE"
chmod 600 "$ENV_FILE"
added=()
for name in "${SECRETS[@]}"; do
  grep -q "^$name=" "$ENV_FILE" && continue
  printf '%s=%s\n' "$name" "$(random_secret)" >>"$ENV_FILE"
  added+=("$name")
done
echo "compose-env: $ENV_FILE has every secret docker-compose.yml needs${added[*]:+ (generated: ${added[*]})}"
