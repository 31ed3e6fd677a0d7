#!/usr/bin/env bash
# Runs deploy/kubernetes/ with `podman kube play`: two trd-cds replicas and the trial Postgres on a
# network of their own. Through the replicas: a patient-view call on each, both calls' cards in the
# one Postgres ledger, feedback posted to replica 0 on a card replica 1 showed (matched, and in
# replica 1's analytics), and a signed token used on replica 0 refused by replica 1 (shared replay
# check). Prints the `podman kube play` output and what it checked; tears everything down on any
# exit; exits non-zero on a failure. Needs root and podman: run after scripts/container-check.sh,
# which installs podman and builds the stand-in base image this reuses.
#
# The manifests are played from an adapted copy (python3-yaml), for what podman 4.3 does not do:
# - Service, PodDisruptionBudget and HorizontalPodAutoscaler are not run: replicas are reached by
#   `podman exec`, Postgres by its pod name on the network (DATABASE_URL's host is changed to it);
# - a Secret in YAML is not created: its keys reach the same env names through a ConfigMap, with
#   the check's own values;
# - every containerPort is bound on the host (a clash between replicas): ports are dropped and the
#   probes' named port becomes its number;
# - emptyDir is a named volume of the volume's name, shared, root-owned 0755 (Postgres, uid 999,
#   cannot initdb in it) and kept after `kube down`: each volume gets this run's prefix, is made
#   beforehand with Kubernetes' emptyDir mode (0777), and is removed at the end;
# - the trusted issuer and PUBLIC_BASE_URL are the check's (a key made here signs its tokens).
# KUBE_CHECK_NAME sets the prefix of pods, volumes and the network (default trd-cds-kube-<pid>).
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=${KUBE_CHECK_NAME:-trd-cds-kube-$$}
NET=$NAME-net
BASE_TAG=localhost/trd-cds-base:node$(node --version | tr -d v)
APP_IMAGE=localhost/trd-cds-kube:app
PG_IMAGE=localhost/trd-cds-kube:postgres
PUBLIC_BASE_URL=http://trd-cds.kube-check.test
WORK=$(mktemp -d)
PLAY=$WORK/play.yaml

log() { printf '[kube-check] %s\n' "$*"; }
fail() {
  log "FAIL: $*"
  for c in $(podman ps -a --filter "name=^$NAME" --format '{{.Names}}' 2>/dev/null | grep -v infra); do
    log "last log lines of $c:"
    podman logs --tail 8 "$c" 2>&1 | cut -c1-400 | sed 's/^/    /'
  done
  exit 1
}

cleanup() {
  podman kube down "$PLAY" >/dev/null 2>&1 || true
  podman pod rm -f $(podman pod ps -q --filter "name=^$NAME") >/dev/null 2>&1 || true
  podman volume rm -f $(podman volume ls -q --filter "name=^$NAME") >/dev/null 2>&1 || true
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

podman image exists "$BASE_TAG" || fail "no base image $BASE_TAG: run scripts/container-check.sh first"
python3 -c 'import yaml' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml >/dev/null; }

started=$SECONDS
build() { # build <tag> <context>: quiet unless it fails
  podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_TAG" -t "$1" "$2" > "$WORK/build.log" 2>&1 ||
    { tail -30 "$WORK/build.log"; fail "podman build of $1 failed"; }
}
build "$APP_IMAGE" .
build "$PG_IMAGE" deploy/kubernetes/postgres
log "images $APP_IMAGE and $PG_IMAGE built in $((SECONDS - started)) s"

# A signing key of the check's own, its issuer trusted by the replicas, and tokens signed with it.
node --input-type=module > "$WORK/keys.json" <<'JS'
import { generateKeyPair, exportJWK, exportPKCS8 } from 'jose';
const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'kube-check', alg: 'ES384', use: 'sig' };
console.log(JSON.stringify({ issuers: [{ iss: 'https://ehr.kube-check.test', jwks: { keys: [jwk] } }], pkcs8: await exportPKCS8(privateKey) }));
JS
sign() { # sign <jti> <path>
  KEYS="$WORK/keys.json" JTI="$1" AUD="$PUBLIC_BASE_URL$2" node --input-type=module -e "
    import { SignJWT, importPKCS8 } from 'jose'; import { readFileSync } from 'node:fs';
    const k = JSON.parse(readFileSync(process.env.KEYS, 'utf8'));
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'kube-check' }).setIssuer('https://ehr.kube-check.test')
      .setAudience(process.env.AUD).setIssuedAt(now).setExpirationTime(now + 300).setJti(process.env.JTI).sign(await importPKCS8(k.pkcs8, 'ES384'));
    process.stdout.write(jwt);"
}

ANALYTICS=kube-check-analytics-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
NAME="$NAME" APP_IMAGE="$APP_IMAGE" PG_IMAGE="$PG_IMAGE" KEYS="$WORK/keys.json" ANALYTICS="$ANALYTICS" PUBLIC_BASE_URL="$PUBLIC_BASE_URL" EMPTY_DIRS="$WORK/empty-dirs" \
  python3 - deploy/kubernetes > "$PLAY" <<'PY'
import glob, json, os, sys, yaml
name, env = os.environ['NAME'], os.environ
images = {'trd-cds:latest': env['APP_IMAGE'], 'trd-cds-postgres:15': env['PG_IMAGE']}
issuers = json.load(open(env['KEYS']))['issuers']
docs = [d for f in sorted(glob.glob(sys.argv[1] + '/*.yaml')) for d in yaml.safe_load_all(open(f)) if d]
renamed = lambda n: name + n[len('trd-cds'):] if n.startswith('trd-cds') else n
played, skipped, empty_dirs = [], [], []
for d in docs:
    kind, meta = d['kind'], d['metadata']
    if kind not in ('Deployment', 'ConfigMap', 'Secret'):
        skipped.append(f"{kind}/{meta['name']}")
        continue
    meta['name'] = renamed(meta['name'])
    if kind == 'Secret':  # not created by podman 4.3's kube play: the same keys as a ConfigMap
        d.update(kind='ConfigMap', data=dict(d.pop('stringData', {}), **d.get('data', {})))
        d.pop('type', None)
        d['data'].update(PSEUDONYM_SECRET='kube-check-' + os.urandom(16).hex(), ANALYTICS_TOKEN=env['ANALYTICS'],
                         DATABASE_URL=d['data']['DATABASE_URL'].replace('@trd-cds-postgres:', f'@{name}-postgres-pod-0:'))
    elif kind == 'ConfigMap':
        d['data'].update(PUBLIC_BASE_URL=env['PUBLIC_BASE_URL'], **{'trusted-issuers.json': json.dumps(issuers)})
    else:
        pod = d['spec']['template']['spec']
        for c in pod['containers']:
            c['image'] = images.get(c['image'], c['image'])
            ports = {p['name']: p['containerPort'] for p in c.pop('ports', []) if 'name' in p}
            for probe in ('readinessProbe', 'livenessProbe'):
                get = c.get(probe, {}).get('httpGet')
                if get and get['port'] in ports: get['port'] = ports[get['port']]
            for e in c.get('envFrom', []):
                if 'configMapRef' in e: e['configMapRef']['name'] = renamed(e['configMapRef']['name'])
            for e in c.get('env', []):
                ref = e.get('valueFrom', {})
                if 'secretKeyRef' in ref: ref['configMapKeyRef'] = ref.pop('secretKeyRef')
                if 'configMapKeyRef' in ref: ref['configMapKeyRef']['name'] = renamed(ref['configMapKeyRef']['name'])
            for m in c.get('volumeMounts', []): m['name'] = f"{meta['name']}-{m['name']}"
        for v in pod.get('volumes', []):
            v['name'] = f"{meta['name']}-{v['name']}"
            if 'emptyDir' in v: empty_dirs.append(v['name'])
            if 'configMap' in v: v['configMap']['name'] = renamed(v['configMap']['name'])
    played.append(f"{kind}/{meta['name']}" + (' (as a ConfigMap)' if kind == 'Secret' else ''))
open(env['EMPTY_DIRS'], 'w').write('\n'.join(empty_dirs) + '\n')
print(f"# played: {', '.join(played)}; not run by podman: {', '.join(skipped)}")
print(yaml.safe_dump_all(sorted((d for d in docs if d['kind'] in ('ConfigMap', 'Deployment')), key=lambda d: d['kind']), sort_keys=False))
PY
log "$(head -1 "$PLAY" | sed 's/^# //')"

podman network create "$NET" >/dev/null
while read -r volume; do
  podman volume create "$volume" >/dev/null
  chmod 0777 "$(podman volume inspect --format '{{.Mountpoint}}' "$volume")"
done < "$WORK/empty-dirs"
play_started=$SECONDS
log "podman kube play --network $NET <adapted deploy/kubernetes>:"
# podman 4.3 also prints that it cannot reach systemd for the probes' timers (none runs here).
podman kube play --network "$NET" "$PLAY" 2>&1 | sed 's/^/    /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "podman kube play failed"
podman pod ps --filter "name=^$NAME" --format '    pod {{.Name}}: {{.Status}}, {{.NumberOfContainers}} containers' | sort

R0=$NAME-pod-0-trd-cds
R1=$NAME-pod-1-trd-cds
PG=$NAME-postgres-pod-0-postgres
# call <container> <method> <path> [bearer] [body file] -> prints "<status> <body>"
call() {
  local body=''
  [ -n "${5:-}" ] && body=$(cat "$5")
  podman exec -e M="$2" -e P="$3" -e T="${4:-}" -e B="$body" "$1" node -e "
    const h = { 'content-type': 'application/json' }; if (process.env.T) h.authorization = 'Bearer ' + process.env.T;
    fetch('http://127.0.0.1:8080' + process.env.P, { method: process.env.M, headers: h, body: process.env.B || undefined })
      .then(async (r) => console.log(r.status, await r.text()), (e) => console.log(0, String(e.cause?.code ?? e)));"
}
psql() { podman exec "$PG" psql -U trdcds -d trdcds -tAc "$1"; }
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);process.stdout.write(String($1))})"; }

# A replica that found Postgres still starting retries with back-off (up to 30 s apart): allow 180 s.
for r in "$R0" "$R1"; do
  for _ in $(seq 1 180); do
    [ "$(call "$r" GET /readyz 2>/dev/null | cut -d' ' -f1)" = 200 ] && podman logs "$r" 2>&1 | grep -c '"msg":"database ready"' >/dev/null && continue 2
    sleep 1
  done
  fail "$r not ready with its database in 180 s"
done
ready_ms() { podman logs "$1" 2>&1 | grep -o '"readyMs":[0-9]*' | head -1 | cut -d: -f2; }
log "both replicas answer /readyz 200 and logged 'database ready' (postgres) $((SECONDS - play_started)) s after play;" \
  "listening $(ready_ms "$R0") ms / $(ready_ms "$R1") ms after node started; uid $(podman exec "$R0" id -u), root filesystem read-only: $(podman exec "$R0" sh -c 'touch /app/x 2>/dev/null && echo no || echo yes')"

HOOK=/cds-services/trd-patient-view
answer0=$(call "$R0" POST "$HOOK" "$(sign kube-a "$HOOK")" examples/patient-view.request.json)
answer1=$(call "$R1" POST "$HOOK" "$(sign kube-b "$HOOK")" examples/patient-view.request.json)
[ "${answer0%% *}" = 200 ] && [ "${answer1%% *}" = 200 ] || fail "hook calls answered ${answer0:0:300} / ${answer1:0:300}"
cards0=$(printf '%s' "${answer0#* }" | json "r.cards.map(c=>c.uuid).join(' ')")
cards1=$(printf '%s' "${answer1#* }" | json "r.cards.map(c=>c.uuid).join(' ')")
[ -n "$cards0" ] && [ -n "$cards1" ] || fail "a replica answered no cards"
log "patient-view answered 200 on both replicas: $(wc -w <<<"$cards0") cards from replica 0, $(wc -w <<<"$cards1") from replica 1"

# The ledger is written off the request path, in batches: wait for both replicas' rows.
uuids=$(printf "'%s'," $cards0 $cards1)
for _ in $(seq 1 30); do
  rows=$(psql "select count(*) from ledger_card where card_uuid in (${uuids%,})")
  [ "$rows" = "$(wc -w <<<"$cards0 $cards1")" ] && break
  sleep 1
done
[ "$rows" = "$(wc -w <<<"$cards0 $cards1")" ] || fail "the Postgres ledger holds $rows of the $(wc -w <<<"$cards0 $cards1") cards shown"
log "the one Postgres ledger holds all $rows cards shown by both replicas"

card=${cards1%% *}
printf '{"feedback":[{"card":"%s","outcome":"overridden","overrideReason":{"reason":{"code":"benefit-outweighs-risk","system":"https://trd-cds.org/fhir/CodeSystem/override-reason"}},"outcomeTimestamp":"%s"}]}' \
  "$card" "$(date -u +%FT%TZ)" > "$WORK/feedback.json"
fb=$(call "$R0" POST "$HOOK/feedback" "$(sign kube-c "$HOOK/feedback")" "$WORK/feedback.json")
[ "${fb%% *}" = 200 ] || fail "feedback on replica 0 answered ${fb:0:300}"
matched=$(psql "select matched from feedback where card_uuid = '$card'")
[ "$matched" = t ] || fail "feedback on replica 0 for replica 1's card stored as matched=$matched"
report=$(call "$R1" GET "/analytics/overrides?from=$(date -u -d '-1 day' +%F)&to=$(date -u -d '+1 day' +%F)" "$ANALYTICS")
[ "${report%% *}" = 200 ] || fail "analytics on replica 1 answered ${report:0:300}"
overridden=$(printf '%s' "${report#* }" | json "r.rules.reduce((n,x)=>n+x.overridden,0)+' of '+r.rules.reduce((n,x)=>n+x.shown,0)")
[ "${overridden%% *}" = 1 ] || fail "analytics on replica 1 shows ${overridden} cards overridden, expected 1"
log "feedback posted to replica 0 on a card replica 1 showed is matched to the ledger, and replica 1's analytics counts it: ${overridden} cards overridden"

token=$(sign kube-replay "$HOOK")
first=$(call "$R0" POST "$HOOK" "$token" examples/patient-view.request.json)
again=$(call "$R1" POST "$HOOK" "$token" examples/patient-view.request.json)
[ "${first%% *}" = 200 ] || fail "fresh token refused on replica 0: ${first:0:300}"
[ "${again%% *}" = 401 ] && grep -q '"reason":"replay"' <<<"$again" || fail "token replayed to replica 1 answered ${again:0:300}"
log "a token used on replica 0 is refused by replica 1: ${again:0:120}"

podman kube down "$PLAY" 2>&1 | sed 's/^/    /'
log "podman kube down: done in $((SECONDS - play_started)) s after play"
log "OK"
