#!/usr/bin/env bash
# Runs deploy/kubernetes/ with `podman kube play`: two trd-cds replicas and the trial Postgres on a
# network of their own, then through the replicas: a hook call on each, feedback to one and the
# analytics from the other, and a signed token used on one refused by the other (shared replay
# check), then `podman kube down`. Needs root, podman (scripts/container-check.sh installs it and
# builds the stand-in base image this reuses).
#
# What podman 4.3 does not do, and how this check stands in for it: Service, PodDisruptionBudget and
# HorizontalPodAutoscaler objects are not run (replicas are reached by pod name on the network);
# a Secret in YAML is not created, so the check's secret values reach the same env names through a
# ConfigMap of its own. The image names are local tags.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=${KUBE_CHECK_NAME:-trd-cds-kcheck}
NET=$NAME-net
BASE_TAG=localhost/trd-cds-base:node$(node --version | tr -d v)
APP_IMAGE=localhost/$NAME:app
PG_IMAGE=localhost/$NAME:postgres
WORK=$(mktemp -d)
PLAY=$WORK/play.yaml

log() { printf '[kube-check] %s\n' "$*"; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  podman kube down "$PLAY" >/dev/null 2>&1 || true
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

podman image exists "$BASE_TAG" || fail "no base image $BASE_TAG: run scripts/container-check.sh first"

started=$SECONDS
podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_TAG" -t "$APP_IMAGE" . >/dev/null
podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_TAG" -t "$PG_IMAGE" deploy/kubernetes/postgres >/dev/null
log "images built in $((SECONDS - started)) s"

# A signing key of the check's own, its issuer trusted by the replicas, and tokens signed with it.
node --input-type=module > "$WORK/keys.json" <<'JS'
import { generateKeyPair, exportJWK, exportPKCS8 } from 'jose';
const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'kube-check', alg: 'ES384', use: 'sig' };
console.log(JSON.stringify({ issuers: [{ iss: 'https://ehr.kube-check.test', jwks: { keys: [jwk] } }], pkcs8: await exportPKCS8(privateKey) }));
JS
sign() { # sign <jti> <path>
  KEYS="$WORK/keys.json" JTI="$1" AUD="http://trd-cds.kube-check.test$2" node --input-type=module -e "
    import { SignJWT, importPKCS8 } from 'jose'; import { readFileSync } from 'node:fs';
    const k = JSON.parse(readFileSync(process.env.KEYS, 'utf8'));
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'kube-check' }).setIssuer('https://ehr.kube-check.test')
      .setAudience(process.env.AUD).setIssuedAt(now).setExpirationTime(now + 300).setJti(process.env.JTI).sign(await importPKCS8(k.pkcs8, 'ES384'));
    process.stdout.write(jwt);"
}

# The manifests as committed, with local images, the check's names, issuers and secrets.
ISSUERS=$(node -e "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync('$WORK/keys.json','utf8')).issuers))")
ANALYTICS=kube-check-analytics-token-$RANDOM$RANDOM
PG_HOST=$NAME-postgres-pod-0
NAME="$NAME" APP_IMAGE="$APP_IMAGE" PG_IMAGE="$PG_IMAGE" ISSUERS="$ISSUERS" ANALYTICS="$ANALYTICS" PG_HOST="$PG_HOST" python3 - > "$PLAY" <<'PY'
import os, re
name, issuers = os.environ['NAME'], os.environ['ISSUERS']
docs = []
for f in ['configmap.yaml', 'postgres.yaml', 'deployment.yaml']:
    text = open(f'deploy/kubernetes/{f}').read()
    text = text.replace('image: trd-cds:latest', 'image: APP_IMAGE').replace('image: trd-cds-postgres:15', 'image: PG_IMAGE')
    text = re.sub(r'\btrd-cds(-config|-secrets|-postgres)?\b(?!\.)', lambda m: name + (m.group(1) or ''), text)
    text = text.replace('image: APP_IMAGE', f"image: {os.environ['APP_IMAGE']}").replace('image: PG_IMAGE', f"image: {os.environ['PG_IMAGE']}")
    # No ports on the host: podman would bind each container port there, and replicas share the host.
    text = re.sub(r'\n          ports:\n(            - .*\n)+', '\n', text)
    text = text.replace('port: http}', 'port: 8080}')
    text = re.sub(r'PUBLIC_BASE_URL: .*', 'PUBLIC_BASE_URL: http://trd-cds.kube-check.test', text)
    text = re.sub(r'(trusted-issuers.json: \|\n)(    .*\n)+', lambda m: m.group(1) + '    ' + issuers + '\n', text)
    text = re.sub(r'secretKeyRef: \{name: [^,]+,', f'configMapKeyRef: {{name: {name}-check-secrets,', text)
    for doc in text.split('\n---\n'):
        if 'kind: Service\n' not in doc:
            docs.append(doc.strip('\n'))
docs.append(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-check-secrets
data:
  PSEUDONYM_SECRET: kube-check-pseudonym-secret-0123456789abcdef
  ANALYTICS_TOKEN: {os.environ['ANALYTICS']}
  DATABASE_URL: postgres://trdcds:trdcds@{os.environ['PG_HOST']}:5432/trdcds""")
print('\n---\n'.join(docs))
PY

podman kube down "$PLAY" >/dev/null 2>&1 || true
podman network rm -f "$NET" >/dev/null 2>&1 || true
podman network create "$NET" >/dev/null
play_started=$SECONDS
podman kube play --network "$NET" "$PLAY" >/dev/null
log "podman kube play: $(podman pod ps --filter "name=$NAME" --format '{{.Name}}' | sort | tr '\n' ' ')"

R0=$NAME-pod-0-trd-cds
R1=$NAME-pod-1-trd-cds
# call <container> <method> <path> [bearer] [body file] -> prints "<status> <body>"
call() {
  local body=''; [ -n "${5:-}" ] && body=$(cat "$5")
  podman exec -e M="$2" -e P="$3" -e T="${4:-}" -e B="$body" "$1" node -e "
    const h = { 'content-type': 'application/json' }; if (process.env.T) h.authorization = 'Bearer ' + process.env.T;
    fetch('http://127.0.0.1:8080' + process.env.P, { method: process.env.M, headers: h, body: process.env.B || undefined })
      .then(async (r) => console.log(r.status, await r.text()), (e) => console.log(0, String(e.cause?.code ?? e)));"
}
for r in "$R0" "$R1"; do
  ok=''
  for _ in $(seq 1 120); do
    if [ "$(call "$r" GET /readyz 2>/dev/null | cut -d' ' -f1)" = 200 ]; then ok=yes; break; fi
    sleep 1
  done
  [ -n "$ok" ] || { podman logs "$r" | tail -20; fail "$r never ready"; }
done
log "both replicas ready $((SECONDS - play_started)) s after play; uid $(podman exec "$R0" id -u), root filesystem read-only: $(podman exec "$R0" sh -c 'touch /app/x 2>/dev/null && echo no || echo yes')"

HOOK=/cds-services/trd-patient-view
answer0=$(call "$R0" POST "$HOOK" "$(sign kube-a "$HOOK")" examples/patient-view.request.json)
answer1=$(call "$R1" POST "$HOOK" "$(sign kube-b "$HOOK")" examples/patient-view.request.json)
[ "${answer0%% *}" = 200 ] && [ "${answer1%% *}" = 200 ] || fail "hook calls answered ${answer0:0:200} / ${answer1:0:200}"
card=$(printf '%s' "${answer0#* }" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).cards[0].uuid))")
log "patient-view answered 200 on both replicas; replica 0's first card $card"

printf '{"feedback":[{"card":"%s","outcome":"overridden","overrideReason":{"reason":{"code":"benefit-outweighs-risk"}},"outcomeTimestamp":"%s"}]}' "$card" "$(date -u +%FT%TZ)" > "$WORK/feedback.json"
fb=$(call "$R0" POST "$HOOK/feedback" "$(sign kube-c "$HOOK/feedback")" "$WORK/feedback.json")
[ "${fb%% *}" = 200 ] || fail "feedback on replica 0 answered ${fb:0:200}"
report=$(call "$R1" GET "/analytics/overrides?from=$(date -u -d '-1 day' +%F)&to=$(date -u -d '+1 day' +%F)" "$ANALYTICS")
[ "${report%% *}" = 200 ] || fail "analytics on replica 1 answered ${report:0:200}"
overridden=$(printf '%s' "${report#* }" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);process.stdout.write(String(r.rules.reduce((n,x)=>n+x.overridden,0))+' of '+r.rules.reduce((n,x)=>n+x.shown,0))})")
[ "${overridden%% *}" = 1 ] || fail "analytics on replica 1 shows ${overridden} cards overridden, expected 1"
log "feedback posted to replica 0 is in replica 1's analytics: ${overridden} cards shown overridden"

token=$(sign kube-replay "$HOOK")
first=$(call "$R0" POST "$HOOK" "$token" examples/patient-view.request.json)
again=$(call "$R1" POST "$HOOK" "$token" examples/patient-view.request.json)
[ "${first%% *}" = 200 ] || fail "fresh token refused on replica 0: ${first:0:200}"
[ "${again%% *}" = 401 ] && printf '%s' "$again" | grep -q '"reason":"replay"' || fail "token replayed to replica 1 answered ${again:0:200}"
log "a token used on replica 0 is refused by replica 1 (401 replay)"

podman kube down "$PLAY" >/dev/null
log "podman kube down: done"
log "OK"
