# Sourced by the PostgreSQL and PgBouncer start scripts. Both servers refuse to run as root, so
# when the AppHost runs as root the calling script gives its resource folder to the 'postgres'
# user and runs itself again as that user. setpriv replaces the process, so the supervised
# process stays the same one, and the environment is kept.
drop_root() {
  local resource_dir=$1
  shift
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres:postgres "$resource_dir"
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$BASH" "$@"
  fi
}

# Quotes a value as an SQL string literal (standard_conforming_strings is on, so only quotes double).
quote_literal() {
  local quote="'"
  printf "'%s'" "${1//$quote/$quote$quote}"
}
