#!/usr/bin/env bash
# Entry point of the hot standby container. When its data folder is empty, it clones the primary
# over the container network with pg_basebackup -R, which writes standby.signal. Then it hands over
# to the postgres image's entry point, which finds the cluster and starts it as a hot standby.
# Every start passes primary_conninfo, so a changed primary address or password takes effect.
# Environment: PGDATA (from the image), PRIMARY_HOST, PRIMARY_PORT, REPLICATION_PASSWORD.
# Arguments: extra server settings ("-c name=value"), passed to postgres unchanged.
set -euo pipefail

# The image starts as root and runs PostgreSQL as 'postgres', which must own the data folder.
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    gosu postgres "$@"
  else
    "$@"
  fi
}

mkdir -p "$PGDATA"
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$PGDATA"
fi
chmod 700 "$PGDATA"

# libpq reads the replication password from this file, so it appears in no argument list and in no
# configuration file of the cluster.
password_file=/tmp/replication.pgpass
umask 077
printf '%s:%s:*:replicator:%s\n' "$PRIMARY_HOST" "$PRIMARY_PORT" \
  "$(printf '%s' "$REPLICATION_PASSWORD" | sed 's/[\\:]/\\&/g')" > "$password_file"
umask 022
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$password_file"
fi
export PGPASSFILE="$password_file"

primary_conninfo="host=$PRIMARY_HOST port=$PRIMARY_PORT user=replicator passfile=$password_file application_name=postgres-replica"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  echo "Cloning the primary at $PRIMARY_HOST:$PRIMARY_PORT into $PGDATA"
  # A clone interrupted earlier leaves files but no PG_VERSION; pg_basebackup needs an empty folder.
  find "$PGDATA" -mindepth 1 -delete
  as_postgres pg_basebackup --pgdata="$PGDATA" --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" \
    --username=replicator --no-password --write-recovery-conf --wal-method=stream \
    --checkpoint=fast --progress
fi

exec docker-entrypoint.sh postgres \
  -c hot_standby=on \
  -c primary_conninfo="$primary_conninfo" \
  "$@"
