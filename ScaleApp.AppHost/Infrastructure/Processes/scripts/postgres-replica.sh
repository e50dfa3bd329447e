#!/usr/bin/env bash
# Starts the hot standby. On first start it clones the primary with pg_basebackup -R, which writes
# standby.signal and the connection settings. Every start passes the primary's current port,
# because that port changes from run to run.
# Environment: PG_BIN, RESOURCE_DIR, PG_PORT, PRIMARY_PORT, REPLICATION_PASSWORD.
# Arguments: extra server settings ("-c name=value"), passed to postgres unchanged.
set -euo pipefail
source "$(dirname "$0")/drop-root.sh"
drop_root "$RESOURCE_DIR" "$0" "$@"

data_dir="$RESOURCE_DIR/data"
password_file="$RESOURCE_DIR/.pgpass"

# libpq reads the replication password from this file, so it appears in no argument list.
umask 077
printf '127.0.0.1:%s:*:replicator:%s\n' "$PRIMARY_PORT" "$(printf '%s' "$REPLICATION_PASSWORD" | sed 's/[\\:]/\\&/g')" > "$password_file"
umask 022
export PGPASSFILE="$password_file"

primary_conninfo="host=127.0.0.1 port=$PRIMARY_PORT user=replicator passfile=$password_file application_name=postgres-replica"

if [[ ! -s "$data_dir/PG_VERSION" ]]; then
  echo "Cloning the primary on port $PRIMARY_PORT into $data_dir"
  rm -rf "$data_dir"
  "$PG_BIN/pg_basebackup" --pgdata="$data_dir" --host=127.0.0.1 --port="$PRIMARY_PORT" \
    --username=replicator --no-password --write-recovery-conf --wal-method=stream \
    --checkpoint=fast --progress
  chmod 700 "$data_dir"
fi

exec "$PG_BIN/postgres" -D "$data_dir" \
  -c listen_addresses=127.0.0.1 \
  -c port="$PG_PORT" \
  -c unix_socket_directories="$RESOURCE_DIR" \
  -c hot_standby=on \
  -c primary_conninfo="$primary_conninfo" \
  "$@"
