#!/usr/bin/env bash
# Run once by the postgres image's entry point, when it initializes an empty data directory (the
# server then listens on its Unix socket only). Creates the application role and database and the
# replication role of the hot standby, and lets that role connect for replication from the
# container network. The entry point sources this file unless it is executable, so it sets no
# shell options beyond -e, which the entry point uses too.
# Environment: POSTGRES_USER, PGDATA (from the image), APP_PASSWORD, REPLICATION_PASSWORD.
set -e

: "${APP_PASSWORD:?APP_PASSWORD is not set; the AppHost passes the postgres-app-password parameter}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is not set; the AppHost passes the postgres-replication-password parameter}"

# psql reads the passwords from the environment (\getenv), so they appear in no argument list, and
# quotes them as literals (:'name').
psql -v ON_ERROR_STOP=1 --no-password --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\getenv app_password APP_PASSWORD
\getenv replication_password REPLICATION_PASSWORD
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'replication_password';
CREATE ROLE scaleapp WITH LOGIN PASSWORD :'app_password';
CREATE DATABASE scaleapp OWNER scaleapp;
SQL

# The image's own rule (host all all all) does not cover replication connections. samenet matches
# any address in a subnet the server is attached to, which is the container network.
echo "host    replication  replicator  samenet  scram-sha-256" >> "$PGDATA/pg_hba.conf"
