#!/bin/sh
# seed-spinnaker: creates Spinnaker's own application and its pipeline "Deploy Spinnaker" in front50
# (ha.selfDeploy). It runs at every start of the polling instance, as a one-shot container of its
# compose project, in front50's image (POSIX sh and curl: the compose health checks use curl), and
# every run is idempotent:
# - it waits, at most SEED_TIMEOUT_SECONDS, until front50 and orca answer their health checks;
# - it creates the application only when front50 does not have it (GET /v2/applications/<name> is
#   404, then POST /v2/applications), and never changes one that exists;
# - it writes the pipeline by its stable id (front50's POST /pipelines replaces the pipeline of that
#   id) only when the one front50 holds was not written from this definition: each write carries
#   the definition's sha256 as definitionDigest, which the next run looks for.
# So a second run sends nothing, and a changed definition replaces the same pipeline. The endpoints
# are front50's PipelineController and v2 ApplicationsController (spinnaker/spinnaker monorepo).
set -eu

config=${SEED_CONFIG_DIR:-/opt/spinnaker/config}
front50=${SEED_FRONT50_URL:-http://localhost:8080}
orca=${SEED_ORCA_URL:-http://localhost:8083}
timeout=${SEED_TIMEOUT_SECONDS:-1800}
interval=${SEED_INTERVAL_SECONDS:-10}

application_file=$config/self-deploy-application.json
pipeline_file=$config/self-deploy-pipeline.json

log() {
  echo "seed-spinnaker: $*" >&2
}

# self-deploy.env names the application and the pipeline's id, one key=value a line.
setting() {
  value=$(sed -n "s/^$1=//p" "$config/self-deploy.env")
  if [ -z "$value" ]; then
    log "$config/self-deploy.env has no $1"
    exit 1
  fi
  echo "$value"
}
application=$(setting application)
pipeline_id=$(setting pipeline_id)

healthy() {
  curl --fail --silent --max-time 5 --output /dev/null "$1/health"
}

deadline=$(($(date +%s) + timeout))
until healthy "$front50" && healthy "$orca"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "front50 ($front50) or orca ($orca) was not healthy within $timeout seconds; the next start tries again"
    exit 1
  fi
  sleep "$interval"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# GET $1 into $work/response; prints the HTTP status (000 when front50 does not answer).
get() {
  curl --silent --max-time 30 --output "$work/response" --write-out '%{http_code}' "$1" || true
}

# POST the JSON file $2 to $1.
post() {
  curl --fail --silent --show-error --max-time 60 --output /dev/null \
    --header 'Content-Type: application/json' --data-binary "@$2" "$1"
}

status=$(get "$front50/v2/applications/$application")
case $status in
  200) log "application $application exists: left as it is" ;;
  404)
    post "$front50/v2/applications" "$application_file"
    log "created application $application"
    ;;
  *)
    log "front50 answered $status for application $application"
    exit 1
    ;;
esac

digest=$(sha256sum "$pipeline_file" | cut -d ' ' -f 1)
status=$(get "$front50/pipelines/$pipeline_id/get")
case $status in
  200)
    if grep -q "$digest" "$work/response"; then
      log "pipeline $pipeline_id is up to date"
      exit 0
    fi
    ;;
  404) ;;
  *)
    log "front50 answered $status for pipeline $pipeline_id"
    exit 1
    ;;
esac

# The definition with its digest as the first attribute (the file's first line is its opening brace).
sed "1s/^{/{\"definitionDigest\": \"$digest\",/" "$pipeline_file" >"$work/pipeline.json"
post "$front50/pipelines" "$work/pipeline.json"
log "wrote pipeline $pipeline_id (definition $digest)"
