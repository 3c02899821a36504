#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d), as the
# superuser POSTGRES_USER. Creates the login the registry connects as: the owner of its database, with CREATEDB for
# the project databases and CREATEROLE for the roles that guard them (each project's owner and access roles, and
# the short-lived credentials), and nothing more (not a superuser, no replication).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	--set=role="$REGISTRY_DB_USER" --set=password="$REGISTRY_DB_PASSWORD" --set=db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION PASSWORD :'password';
ALTER DATABASE :"db" OWNER TO :"role";
ALTER SCHEMA public OWNER TO :"role";
SQL
