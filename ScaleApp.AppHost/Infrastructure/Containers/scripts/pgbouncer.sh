#!/bin/sh
# Entry point of the PgBouncer container (an Alpine image, so POSIX sh): writes the configuration
# and auth file from the environment, then runs PgBouncer in the foreground. One logical database
# points at the primary and, when REPLICA_PORT is set, one at the hot standby, both reached over the
# container network.
# Environment: LISTEN_PORT, PRIMARY_HOST, PRIMARY_PORT, APP_PASSWORD, DEFAULT_POOL_SIZE,
#              MAX_CLIENT_CONN; optional REPLICA_HOST and REPLICA_PORT.
set -eu

config_dir=$(mktemp -d)

umask 077
# The auth file contains the application user's password, so PgBouncer can run the SCRAM exchange
# with clients itself and log in to PostgreSQL with SCRAM as that user. A double quote in the
# password is doubled.
escaped_password=$(printf '%s' "$APP_PASSWORD" | sed 's/"/""/g')
printf '"scaleapp" "%s"\n' "$escaped_password" > "$config_dir/userlist.txt"

cat > "$config_dir/pgbouncer.ini" <<INI
[databases]
scaleapp = host=$PRIMARY_HOST port=$PRIMARY_PORT dbname=scaleapp
${REPLICA_PORT:+scaleapp_replica = host=${REPLICA_HOST:-} port=$REPLICA_PORT dbname=scaleapp}

[pgbouncer]
listen_addr = *
listen_port = $LISTEN_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $config_dir/userlist.txt
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

exec pgbouncer "$config_dir/pgbouncer.ini"
