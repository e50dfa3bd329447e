#!/usr/bin/env bash
# Starts the PostgreSQL primary. On first start it creates the cluster with SCRAM authentication,
# the application role and database, and a replication role for the hot standby.
# Environment: PG_BIN, RESOURCE_DIR, PG_PORT, POSTGRES_PASSWORD, APP_PASSWORD, REPLICATION_PASSWORD.
# Arguments: extra server settings ("-c name=value"), passed to postgres unchanged.
set -euo pipefail
source "$(dirname "$0")/drop-root.sh"
drop_root "$RESOURCE_DIR" "$0" "$@"

data_dir="$RESOURCE_DIR/data"

if [[ ! -s "$data_dir/PG_VERSION" ]]; then
  echo "Creating a new PostgreSQL cluster in $data_dir"
  password_file=$(mktemp "$RESOURCE_DIR/.pwfile.XXXXXX")
  printf '%s' "$POSTGRES_PASSWORD" > "$password_file"
  "$PG_BIN/initdb" --pgdata="$data_dir" --username=postgres --pwfile="$password_file" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --data-checksums
  rm -f "$password_file"

  # Single-user mode creates the roles before the server listens, so no window exists in which
  # the cluster runs without them.
  "$PG_BIN/postgres" --single -D "$data_dir" postgres > /dev/null <<SQL
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD $(quote_literal "$REPLICATION_PASSWORD")
CREATE ROLE scaleapp WITH LOGIN PASSWORD $(quote_literal "$APP_PASSWORD")
CREATE DATABASE scaleapp OWNER scaleapp
SQL

  cat > "$data_dir/pg_hba.conf" <<'HBA'
# TYPE  DATABASE     USER        ADDRESS        METHOD
local   all          all                        scram-sha-256
host    all          all         127.0.0.1/32   scram-sha-256
host    replication  replicator  127.0.0.1/32   scram-sha-256
HBA
fi

exec "$PG_BIN/postgres" -D "$data_dir" \
  -c listen_addresses=127.0.0.1 \
  -c port="$PG_PORT" \
  -c unix_socket_directories="$RESOURCE_DIR" \
  "$@"
