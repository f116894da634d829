#!/usr/bin/env bash
# A PostgreSQL streaming replica of the `primary` service. On its first start (an empty data
# directory) it copies the primary with pg_basebackup -R, which also writes standby.signal
# and primary_conninfo; then it starts PostgreSQL the way the image always does. A replica
# copies everything, PostGIS and the schema included: migrations run on the primary only.
set -euo pipefail
PGDATA=${PGDATA:-/var/lib/postgresql/data}
: "${PRIMARY_HOST:?set PRIMARY_HOST}" "${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  # The primary may still be creating its database: try until it lets us copy it.
  until gosu postgres pg_basebackup \
      --dbname="host=$PRIMARY_HOST port=${PRIMARY_PORT:-5432} user=replicator password=$REPLICATION_PASSWORD application_name=${HOSTNAME:-replica}" \
      --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast; do
    echo "replica: the primary is not ready to be copied yet; trying again in 2 s" >&2
    find "$PGDATA" -mindepth 1 -delete
    sleep 2
  done
fi

exec docker-entrypoint.sh "$@"
