#!/usr/bin/env bash
# database-init: prepares the MySQL 8 database (Aurora MySQL or RDS for MySQL) for each service of
# DATABASE_SERVICES that keeps its data in SQL (front50, orca): its schema, a service user for
# runtime traffic and a migrate user for schema changes, with the grants of spinnaker.io's
# persistence docs (content/en/docs/setup/productionize/persistence/front50-sql.md and
# orca-sql.md: https://spinnaker.io/docs/setup/productionize/persistence/). It runs at every boot as a
# one-shot service of the compose project, in the mysql:8.4 image, after database-secrets, which
# writes to DATABASE_RUN_DIR (a tmpfs) the master user's option file client.cnf and the passwords
# <service>_service_password and <service>_migrate_password.
# Every run is idempotent, so a second one changes nothing:
# - CREATE ... IF NOT EXISTS for schemas and users (MySQL 8's GRANT no longer creates a user), and
#   GRANT, which adds nothing to privileges a user has;
# - ALTER USER only for a user that exists but cannot log in with its password (its secret was
#   made again): ALTER USER stores a new salted hash every time, even for the same password.
# Instances that boot together take turns: all changes run in one session holding GET_LOCK.
# Passwords stay in the tmpfs and in the SQL sent on the client's standard input: never on a
# command line, in the environment or in the output.
set -euo pipefail

run_dir=${DATABASE_RUN_DIR:-/run/spinnaker-database}
services=${DATABASE_SERVICES:-}
wait_seconds=${DATABASE_WAIT_SECONDS:-300}
lock_seconds=${DATABASE_LOCK_TIMEOUT_SECONDS:-300}
client=$run_dir/client.cnf
lock=spinnaker_database_init
# spinnaker.io's persistence docs, the same for front50 and orca.
declare -A grants=(
  [service]="SELECT, INSERT, UPDATE, DELETE, CREATE, EXECUTE, SHOW VIEW"
  [migrate]="SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, LOCK TABLES, EXECUTE, SHOW VIEW"
)

log() {
  echo "database-init: $*" >&2
}

fail() {
  log "$*"
  exit 1
}

[[ -n $services ]] || fail "DATABASE_SERVICES is not set: name the services to prepare, e.g. 'front50 orca'"
[[ $wait_seconds =~ ^[0-9]+$ ]] || fail "DATABASE_WAIT_SECONDS must be a number of seconds, got '$wait_seconds'"
[[ $lock_seconds =~ ^[0-9]+$ ]] || fail "DATABASE_LOCK_TIMEOUT_SECONDS must be a number of seconds, got '$lock_seconds'"
[[ -r $client ]] || fail "$client is missing; database-secrets writes it before this runs"

umask 077
errors=$(mktemp "$run_dir/.errors.XXXXXX")
login=$run_dir/.login.cnf
trap 'rm -f "$errors" "$login"' EXIT

# Every user name and password goes into SQL, so each is checked against a strict pattern first.
declare -A password
for service in $services; do
  # <service>_migrate is a MySQL user name, and those have at most 32 characters.
  [[ $service =~ ^[a-z][a-z0-9_]{0,23}$ ]] ||
    fail "DATABASE_SERVICES takes names of at most 24 lower-case letters, digits and _, got '$service'"
  for role in service migrate; do
    file=$run_dir/${service}_${role}_password
    [[ -r $file ]] || fail "$file is missing; database-secrets writes it before this runs"
    password[${service}_$role]=$(<"$file")
    [[ ${password[${service}_$role]} =~ ^[A-Za-z0-9]{16,}$ ]] ||
      fail "$file must hold 16 or more letters and digits, because it goes into SQL; store such passwords in the service's secret"
  done
done

# What the client wrote to standard error. MariaDB's client shows a failed statement too, which may
# hold a password: those are masked.
client_errors() {
  local text secret
  text=$(<"$errors")
  for secret in "${password[@]}"; do text=${text//"$secret"/<password>}; done
  printf '%s' "$text"
}

# As the master user. --defaults-extra-file must come first.
sql() {
  mysql --defaults-extra-file="$client" --batch --skip-column-names --connect-timeout=10 "$@"
}

# At boot the database may still be starting (or its DNS name not yet resolving).
deadline=$((SECONDS + wait_seconds))
until sql -e 'SELECT 1' >/dev/null 2>"$errors"; do
  ((SECONDS < deadline)) || fail "the database did not accept connections within $wait_seconds seconds: $(<"$errors")"
  sleep 2
done

# Which users to create or fix is decided before the lock: two instances that both decide to create
# or fix a user set the same password, from the same secret.
existing=$(sql -e "SELECT user FROM mysql.user WHERE host = '%'" 2>"$errors") ||
  fail "could not list the database's users: $(client_errors)"

# Whether user $1 can log in with password $2: client.cnf with the user's name and password after
# the master's (in an option file the last value wins), from the tmpfs.
logs_in() {
  printf '%s\n[client]\nuser=%s\npassword=%s\n' "$(<"$client")" "$1" "$2" >"$login"
  if mysql --defaults-extra-file="$login" --connect-timeout=10 -e 'SELECT 1' >/dev/null 2>"$errors"; then
    return 0
  fi
  # 1045 is access denied; anything else (the network, TLS) says nothing about the password.
  grep -q 'ERROR 1045' "$errors" || fail "could not check the password of user $1: $(client_errors)"
  return 1
}

# MySQL fails no statement on a condition outside stored programs, so a lock not taken in time
# sets sql_mode to an invalid value, whose error shows it and ends the session.
statements="SET @locked = GET_LOCK('$lock', $lock_seconds);
SET SESSION sql_mode = IF(@locked = 1, @@SESSION.sql_mode, 'lock $lock not taken within $lock_seconds seconds');
"
report=()
for service in $services; do
  statements+="CREATE DATABASE IF NOT EXISTS \`$service\` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
"
  for role in service migrate; do
    user=${service}_$role
    statements+="CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '${password[$user]}';
"
    if ! grep -qx "$user" <<<"$existing"; then
      report+=("created user $user")
    elif logs_in "$user" "${password[$user]}"; then
      report+=("user $user unchanged")
    else
      statements+="ALTER USER '$user'@'%' IDENTIFIED BY '${password[$user]}';
"
      report+=("changed the password of user $user to its secret's")
    fi
    statements+="GRANT ${grants[$role]} ON \`$service\`.* TO '$user'@'%';
"
  done
done
statements+="DO RELEASE_LOCK('$lock');
"

# On standard input, so that the passwords in it are on no command line.
printf '%s' "$statements" | sql 2>"$errors" || fail "preparing the databases failed: $(client_errors)"
for line in "${report[@]}"; do log "$line"; done
log "databases ready: $services"
