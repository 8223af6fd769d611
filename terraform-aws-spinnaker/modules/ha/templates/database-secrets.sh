#!/usr/bin/env bash
# database-secrets: fetches the credentials database-init needs into a tmpfs, creating the services'
# passwords on first boot. It runs at every boot as a one-shot service of the compose project, in the
# AWS CLI v2 image (bash and aws; no jq, no mysql), before database-init:
# - DATABASE_MASTER_SECRET_ARN is the master user's secret RDS keeps (manage_master_user_password):
#   JSON {"username": ..., "password": ...}. Its user and password go to client.cnf, a MySQL option
#   file for database-init with DATABASE_HOST, DATABASE_PORT and DATABASE_CLIENT_TLS.
# - DATABASE_SERVICE_SECRETS holds `service=secret-arn` pairs. Terraform creates these secrets without
#   a value, so that no password is in its state: the first boot that finds one empty stores
#   {"service_password": ..., "migrate_password": ...} from get-random-password. It does so with a
#   fixed client request token: when several instances boot at once, the first put wins and the
#   others fail (same token, other value), then every instance reads back the winner's value.
#   Each password goes to <service>_service_password and <service>_migrate_password.
# Passwords are written only to DATABASE_RUN_DIR, mode 0600 in a 0700 directory, never to the output
# or to a command line. Service passwords must be 16 or more letters and digits, because
# database-init puts them into SQL; anything else is refused, naming the secret but not the value.
set -euo pipefail

run_dir=${DATABASE_RUN_DIR:-/run/spinnaker-database}
# An empty DATABASE_CLIENT_TLS leaves the TLS line out (a test server without TLS).
client_tls=${DATABASE_CLIENT_TLS-ssl-mode=REQUIRED}
attempts=${DATABASE_SECRETS_ATTEMPTS:-5}
retry_seconds=${DATABASE_SECRETS_RETRY_SECONDS:-6}
# Secrets Manager takes 32 to 64 characters; the same on every instance, so only one put can win.
token=spinnaker-database-passwords-first-version
export AWS_PAGER=""

log() {
  echo "database-secrets: $*" >&2
}

fail() {
  log "$*"
  exit 1
}

for setting in AWS_REGION DATABASE_HOST DATABASE_PORT DATABASE_MASTER_SECRET_ARN DATABASE_SERVICE_SECRETS; do
  [[ -n ${!setting:-} ]] || fail "$setting is not set"
done
[[ $DATABASE_PORT =~ ^[0-9]+$ ]] || fail "DATABASE_PORT must be a port number, got '$DATABASE_PORT'"
[[ $attempts =~ ^[1-9][0-9]*$ ]] || fail "DATABASE_SECRETS_ATTEMPTS must be a number from 1, got '$attempts'"
[[ $retry_seconds =~ ^[0-9]+$ ]] || fail "DATABASE_SECRETS_RETRY_SECONDS must be a number of seconds, got '$retry_seconds'"

umask 077
mkdir -p "$run_dir"
chmod 700 "$run_dir"
errors=$(mktemp "$run_dir/.errors.XXXXXX")
trap 'rm -f "$errors" "$run_dir"/*.tmp "$run_dir"/.new.tmp' EXIT

# Reads the current value of secret $1 into `value`. Returns 1 when the secret has no value yet
# (ResourceNotFoundException). Other errors are retried a few times, because at boot the instance's
# credentials can lag, then end the script naming the secret and the setting $2.
read_secret() {
  local attempt
  for ((attempt = 1; ; attempt++)); do
    if value=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$1" \
      --query SecretString --output text 2>"$errors"); then
      return 0
    fi
    if grep -q ResourceNotFoundException "$errors"; then return 1; fi
    if ((attempt >= attempts)); then
      fail "could not read secret $1 ($2) in $attempts attempts: $(<"$errors")"
    fi
    sleep "$retry_seconds"
  done
}

# Prints the string of key $2 in the JSON object $1, unescaped. Fails when the key is missing or
# its string holds a control character or a character beyond ASCII.
json_string() {
  local pattern='"'$2'"[[:space:]]*:[[:space:]]*"(([^"\\]|\\.)*)"' raw out='' char
  [[ $1 =~ $pattern ]] || return 1
  raw=${BASH_REMATCH[1]}
  while [[ -n $raw ]]; do
    if [[ ${raw:0:1} != "\\" ]]; then
      out+=${raw:0:1}
      raw=${raw:1}
    elif [[ ${raw:1:1} == [\"\\/] ]]; then
      out+=${raw:1:1}
      raw=${raw:2}
    elif [[ ${raw:1:5} =~ ^u00[2-7][0-9a-fA-F]$ ]]; then
      printf -v char '%b' "\\x${raw:4:2}"
      out+=$char
      raw=${raw:6}
    else
      return 1
    fi
  done
  printf '%s' "$out"
}

# Writes $2 to file $1 through a temporary file, so that a reader never sees half of it.
write_private() {
  printf '%s' "$2" >"$1.tmp"
  mv -f "$1.tmp" "$1"
}

# An option file value in double quotes: # is then no comment, and \ and " are escaped.
option_value() {
  local text=${1//\\/\\\\}
  printf '"%s"' "${text//\"/\\\"}"
}

random_password() {
  aws secretsmanager get-random-password --region "$AWS_REGION" --exclude-punctuation \
    --password-length 32 --require-each-included-type --query RandomPassword --output text
}

# Stores new passwords in the empty secret $2 of service $1, unless another instance did first.
store_passwords() {
  local service_password migrate_password
  if ! service_password=$(random_password) || ! migrate_password=$(random_password); then
    fail "could not generate passwords for secret $2 ($1 in DATABASE_SERVICE_SECRETS)"
  fi
  # From a file, so that the passwords are on no command line.
  write_private "$run_dir/.new.tmp" \
    "{\"service_password\": \"$service_password\", \"migrate_password\": \"$migrate_password\"}"
  if aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$2" \
    --secret-string "file://$run_dir/.new.tmp" --client-request-token "$token" >/dev/null 2>"$errors"; then
    log "$1: stored new passwords in secret $2"
  else
    log "$1: did not store passwords in secret $2, reading what is there ($(<"$errors"))"
  fi
  rm -f "$run_dir/.new.tmp"
}

read_secret "$DATABASE_MASTER_SECRET_ARN" DATABASE_MASTER_SECRET_ARN ||
  fail "secret $DATABASE_MASTER_SECRET_ARN (DATABASE_MASTER_SECRET_ARN) has no value"
if ! user=$(json_string "$value" username) || [[ -z $user ]]; then
  fail "secret $DATABASE_MASTER_SECRET_ARN (DATABASE_MASTER_SECRET_ARN) has no username string"
fi
if ! password=$(json_string "$value" password) || [[ -z $password ]]; then
  fail "secret $DATABASE_MASTER_SECRET_ARN (DATABASE_MASTER_SECRET_ARN) has no password string"
fi
write_private "$run_dir/client.cnf" "[client]
host=$(option_value "$DATABASE_HOST")
port=$DATABASE_PORT
user=$(option_value "$user")
password=$(option_value "$password")
${client_tls:+$client_tls
}"

for pair in $DATABASE_SERVICE_SECRETS; do
  service=${pair%%=*}
  arn=${pair#*=}
  # database-init makes <service>_migrate users, and MySQL user names have at most 32 characters.
  [[ $pair == *=* && $service =~ ^[a-z][a-z0-9_]{0,23}$ && -n $arn ]] ||
    fail "DATABASE_SERVICE_SECRETS takes service=secret-arn pairs with a service name of at most 24 lower-case letters, digits and _, got '$pair'"
  setting="$service in DATABASE_SERVICE_SECRETS"
  if ! read_secret "$arn" "$setting"; then
    store_passwords "$service" "$arn"
    read_secret "$arn" "$setting" || fail "secret $arn ($setting) still has no value: $(<"$errors")"
  fi
  for role in service migrate; do
    if ! password=$(json_string "$value" "${role}_password") || [[ ! $password =~ ^[A-Za-z0-9]{16,}$ ]]; then
      fail "secret $arn ($setting): ${role}_password must be 16 or more letters and digits (database-init puts it into SQL); store a new version with such passwords"
    fi
    write_private "$run_dir/${service}_${role}_password" "$password"
  done
  log "$service: passwords ready"
done
