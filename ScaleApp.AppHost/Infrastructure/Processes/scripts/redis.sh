#!/usr/bin/env bash
# Starts redis-server on loopback with a password and no persistence. The password reaches Redis
# through standard input, so it appears in no argument list.
# Environment: REDIS_SERVER, RESOURCE_DIR, REDIS_PORT, REDIS_PASSWORD.
set -euo pipefail

exec "$REDIS_SERVER" - <<CONF
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
requirepass "${REDIS_PASSWORD//\"/\\\"}"
save ""
appendonly no
dir $RESOURCE_DIR
CONF
