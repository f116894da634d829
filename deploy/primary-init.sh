#!/usr/bin/env bash
# The primary's first start (docker-entrypoint-initdb.d, after PostGIS's own script): a role
# that streaming replicas log in with, and a pg_hba.conf line that lets them. wal_level is
# `replica` by default; docker-compose.yml sets it anyway, so that it is visible there.
# Sourced or run by the image's entrypoint, so no `exit` and no `set` here.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set=password="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
