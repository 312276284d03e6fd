#!/usr/bin/env bash
# The two roles the service connects as, created once, when the postgres
# image initialises an empty data directory (it runs the files of
# /docker-entrypoint-initdb.d as the superuser; docker-compose.yml mounts
# this one there):
#   DB_OWNER (nonstop_owner)  owns the database and its schema; only the
#                             one-shot migrate step connects as it.
#   DB_APP_USER (nonstop_app) what the API and the workers connect as: it may
#                             read and write the rows of the owner's tables
#                             (and use their sequences), and create, alter,
#                             drop or truncate nothing.
# test/deploy/postgres-roles.int.test.ts runs it against a scratch database.
set -euo pipefail
: "${POSTGRES_DB:?}" "${DB_OWNER_PASSWORD:?set DB_OWNER_PASSWORD}" "${DB_APP_PASSWORD:?set DB_APP_PASSWORD}"
export DB_OWNER="${DB_OWNER:-nonstop_owner}" DB_APP_USER="${DB_APP_USER:-nonstop_app}"

# \getenv keeps the passwords out of psql's command line.
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname "$POSTGRES_DB" <<'SQL'
\getenv db POSTGRES_DB
\getenv owner DB_OWNER
\getenv owner_password DB_OWNER_PASSWORD
\getenv app DB_APP_USER
\getenv app_password DB_APP_PASSWORD
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- What the migrations will create, the app role may use row by row.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
echo "init-roles: $DB_OWNER owns $POSTGRES_DB; $DB_APP_USER may read and write its rows"
