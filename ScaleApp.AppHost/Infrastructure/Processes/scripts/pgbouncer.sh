#!/usr/bin/env bash
# Writes PgBouncer's configuration and auth file for this run, then starts it in the foreground.
# One logical database points at the primary and, when REPLICA_PORT is set, one at the hot standby.
# Environment: RESOURCE_DIR, PGBOUNCER, PGBOUNCER_PORT, PRIMARY_PORT, APP_PASSWORD, DEFAULT_POOL_SIZE,
#              MAX_CLIENT_CONN; optional REPLICA_PORT.
set -euo pipefail
source "$(dirname "$0")/drop-root.sh"
drop_root "$RESOURCE_DIR" "$0" "$@"

umask 077
# The auth file contains the application user's password so PgBouncer can answer SCRAM itself and
# log in to PostgreSQL with SCRAM as that user.
printf '"scaleapp" "%s"\n' "${APP_PASSWORD//\"/\"\"}" > "$RESOURCE_DIR/userlist.txt"

cat > "$RESOURCE_DIR/pgbouncer.ini" <<INI
[databases]
scaleapp = host=127.0.0.1 port=$PRIMARY_PORT dbname=scaleapp
${REPLICA_PORT:+scaleapp_replica = host=127.0.0.1 port=$REPLICA_PORT dbname=scaleapp}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $RESOURCE_DIR
auth_type = scram-sha-256
auth_file = $RESOURCE_DIR/userlist.txt
pool_mode = transaction
default_pool_size = $DEFAULT_POOL_SIZE
max_client_conn = $MAX_CLIENT_CONN
; Npgsql sends these start-up parameters, which transaction pooling cannot keep per client.
ignore_startup_parameters = extra_float_digits,search_path
server_check_query = select 1
admin_users = scaleapp
stats_users = scaleapp
INI
umask 022

exec "$PGBOUNCER" "$RESOURCE_DIR/pgbouncer.ini"
