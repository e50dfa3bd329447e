#!/usr/bin/env bash
# Starts a RabbitMQ node whose name, data, logs, ports and Erlang cookie all belong to this run,
# bound to loopback, with its own user instead of 'guest'.
# Environment: RABBITMQ_SERVER, RESOURCE_DIR, AMQP_PORT, DIST_PORT, EPMD_PORT, RABBITMQ_USER, RABBITMQ_PASSWORD.
set -euo pipefail

umask 077
cat > "$RESOURCE_DIR/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
default_user = $RABBITMQ_USER
default_pass = $RABBITMQ_PASSWORD
loopback_users = none
log.console = true
log.console.level = info
log.file = false
CONF
echo '[].' > "$RESOURCE_DIR/enabled_plugins"
umask 022

# The Erlang cookie lives in HOME, so each run has its own.
export HOME="$RESOURCE_DIR"
export RABBITMQ_NODENAME="rabbit@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$AMQP_PORT"
export RABBITMQ_DIST_PORT="$DIST_PORT"
export ERL_EPMD_PORT="$EPMD_PORT"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$RESOURCE_DIR/mnesia"
export RABBITMQ_LOG_BASE="$RESOURCE_DIR/log"
export RABBITMQ_CONFIG_FILE="$RESOURCE_DIR/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RESOURCE_DIR/enabled_plugins"
export RABBITMQ_PID_FILE="$RESOURCE_DIR/rabbitmq.pid"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

# The Erlang runtime would start epmd itself as a daemon that outlives the broker. Starting it
# here with -relaxed_command_check lets the AppHost stop it with "epmd -kill" when the run ends,
# even if the broker has not finished stopping yet.
epmd -daemon -relaxed_command_check -port "$EPMD_PORT" -address 127.0.0.1

exec "$RABBITMQ_SERVER"
