#!/usr/bin/env bash
# Start a local, real Kubernetes control plane: etcd + kube-apiserver + kube-controller-manager,
# all listening on 127.0.0.1 only. No kubelet, no scheduler: Pods stay Pending, which is enough
# for server-side validation, CRDs, Pod Security admission and ValidatingAdmissionPolicy.
#
# Usage:   ./up.sh [BIN_DIR] [-- KUBE_APISERVER_FLAGS...]
#                   BIN_DIR holds the binaries from ./build.sh (default: $K8S_BIN, else
#                   ${TMPDIR:-/tmp}/k8s-local-bin); flags after -- go to kube-apiserver verbatim,
#                   e.g. ./up.sh DIR -- --emulated-version=kube=1.34
# Env:     K8S_LOCAL_DIR   state dir (default ${TMPDIR:-/tmp}/k8s-local): pki/, etcd data,
#                          logs/, pids, kubeconfig
#          ETCD_PORT=2379 ETCD_PEER_PORT=2380 APISERVER_PORT=6443 KCM_PORT=10257
#          WITH_KCM=1      0 = no controller-manager (Deployments then create no ReplicaSets)
#          WITH_SCHEDULER=0 1 = also run kube-scheduler (needs it in BIN_DIR; Pods then get
#                          FailedScheduling events instead of staying silently Pending)
#          ETCD_FSYNC=0    0 = etcd --unsafe-no-fsync (throwaway test store, faster); 1 = fsync
#          K8S_KEEP_DATA=0 1 = keep the etcd data of a previous run (default: start empty)
#          AUTHZ_MODE=RBAC  kube-apiserver --authorization-mode
#          APISERVER_EXTRA_ARGS  extra kube-apiserver flags (word-split), e.g.
#                          "--emulated-version=kube=1.35" (added before the flags after --)
#          KCM_EXTRA_ARGS  extra kube-controller-manager flags (word-split), e.g. the same
#                          --emulated-version, so the controllers behave as that release's
#          READY_TIMEOUT=180 seconds to wait for /readyz
# Output:  $K8S_LOCAL_DIR/kubeconfig (admin, system:masters, bearer token) and
#          $K8S_LOCAL_DIR/pids ("name pid" lines, used by ./down.sh). Last stdout line:
#          export KUBECONFIG=...
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=${K8S_BIN:-${TMPDIR:-/tmp}/k8s-local-bin}
if [[ $# -gt 0 && $1 != -- ]]; then BIN=$1; shift; fi
cli_apiserver_args=()
if [[ $# -gt 0 ]]; then
  [[ $1 == -- ]] || { echo "[up.sh] usage: up.sh [BIN_DIR] [-- KUBE_APISERVER_FLAGS...]" >&2; exit 2; }
  shift; cli_apiserver_args=("$@")
fi
S=${K8S_LOCAL_DIR:-${TMPDIR:-/tmp}/k8s-local}
ETCD_PORT=${ETCD_PORT:-2379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-2380}
APISERVER_PORT=${APISERVER_PORT:-6443}
KCM_PORT=${KCM_PORT:-10257}
SCHED_PORT=${SCHED_PORT:-10259}
WITH_KCM=${WITH_KCM:-1}
WITH_SCHEDULER=${WITH_SCHEDULER:-0}
ETCD_FSYNC=${ETCD_FSYNC:-0}
K8S_KEEP_DATA=${K8S_KEEP_DATA:-0}
AUTHZ_MODE=${AUTHZ_MODE:-RBAC}
READY_TIMEOUT=${READY_TIMEOUT:-180}

log() { echo "[up.sh] $*" >&2; }
die() { log "ERROR: $*"; "$HERE/down.sh" >/dev/null 2>&1 || true; exit 1; }

BIN=$(cd "$BIN" 2>/dev/null && pwd) || { log "no BIN_DIR; run ./build.sh DIR first"; exit 1; }
need=(etcd kube-apiserver)
[[ $WITH_KCM == 1 ]] && need+=(kube-controller-manager)
[[ $WITH_SCHEDULER == 1 ]] && need+=(kube-scheduler)
for b in "${need[@]}"; do
  [[ -x $BIN/$b ]] || { log "missing $BIN/$b (run ./build.sh $BIN)"; exit 1; }
done
for t in openssl curl base64; do command -v $t >/dev/null || { log "needs $t"; exit 1; }; done

mkdir -p "$S/logs" "$S/pki"
S=$(cd "$S" && pwd)
export K8S_LOCAL_DIR=$S

# Refuse to start twice.
if [[ -s $S/pids ]]; then
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then log "already running ($name pid $pid); run ./down.sh first"; exit 1; fi
  done < "$S/pids"
fi
: > "$S/pids"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT")
[[ $WITH_KCM == 1 ]] && ports+=("$KCM_PORT")
[[ $WITH_SCHEDULER == 1 ]] && ports+=("$SCHED_PORT")
for p in "${ports[@]}"; do port_busy "$p" && { log "127.0.0.1:$p is already in use"; exit 1; }; done

# ---------------------------------------------------------------- PKI (made once per state dir)
P=$S/pki
if [[ ! -s $P/tokens.csv ]]; then
  log "generating CA, serving cert, service-account key pair, tokens in $P"
  ( cd "$P"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=k8s-local-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
      > apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    umask 077
    # token,user,uid,"groups"
    printf '%s,admin,admin,"system:masters"\n' "$(openssl rand -hex 24)" > tokens.csv.tmp
    printf '%s,system:kube-controller-manager,kcm\n' "$(openssl rand -hex 24)" >> tokens.csv.tmp
    printf '%s,system:kube-scheduler,sched\n' "$(openssl rand -hex 24)" >> tokens.csv.tmp
    mv tokens.csv.tmp tokens.csv )
fi
tok() { grep ",$1," "$P/tokens.csv" | cut -d, -f1; }

CA_DATA=$(base64 -w0 < "$P/ca.crt")
write_kubeconfig() { # file user token
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: k8s-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $CA_DATA
users:
- name: $2
  user:
    token: $3
contexts:
- name: k8s-local
  context:
    cluster: k8s-local
    user: $2
    namespace: default
current-context: k8s-local
EOF
  chmod 600 "$1"
}
write_kubeconfig "$S/kubeconfig" admin "$(tok admin)"
write_kubeconfig "$S/kcm.kubeconfig" system:kube-controller-manager "$(tok system:kube-controller-manager)"
write_kubeconfig "$S/scheduler.kubeconfig" system:kube-scheduler "$(tok system:kube-scheduler)"

start() { # name cmd... ; background, logs to logs/name.log, pid recorded
  local name=$1; shift
  nohup "$@" > "$S/logs/$name.log" 2>&1 < /dev/null &
  echo "$name $!" >> "$S/pids"
}
wait_for() { # name url timeout [curl args]
  local name=$1 url=$2 limit=$3; shift 3
  local t0; t0=$(date +%s%N)
  while :; do
    if curl -fsS -m 2 "$@" "$url" >/dev/null 2>&1; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    local pid; pid=$(awk -v n="$name" '$1==n{print $2}' "$S/pids")
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$S/logs/$name.log" >&2; die "$name exited"; }
    (( ($(date +%s%N) - t0) / 1000000000 < limit )) || { tail -n 30 "$S/logs/$name.log" >&2; die "$name not ready after ${limit}s"; }
    sleep 0.2
  done
}

T0=$(date +%s%N)
# ---------------------------------------------------------------- etcd
[[ $K8S_KEEP_DATA == 1 ]] || rm -rf "$S/etcd"
etcd_args=(--name k8s-local --data-dir "$S/etcd"
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT"
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT"
  --initial-cluster "k8s-local=http://127.0.0.1:$ETCD_PEER_PORT"
  --log-level warn)
if [[ $ETCD_FSYNC != 1 ]] && "$BIN/etcd" --help 2>&1 | grep -q -- --unsafe-no-fsync; then
  etcd_args+=(--unsafe-no-fsync)
fi
start etcd "$BIN/etcd" "${etcd_args[@]}"
ms=$(wait_for etcd "http://127.0.0.1:$ETCD_PORT/health" 60)
log "etcd healthy after ${ms} ms"

# ---------------------------------------------------------------- kube-apiserver
mkdir -p "$S/apiserver"
# shellcheck disable=SC2206
extra=(${APISERVER_EXTRA_ARGS:-} "${cli_apiserver_args[@]}")
start kube-apiserver "$BIN/kube-apiserver" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --endpoint-reconciler-type=none \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --cert-dir="$S/apiserver" \
  --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
  --client-ca-file="$P/ca.crt" \
  --token-auth-file="$P/tokens.csv" \
  --authorization-mode="$AUTHZ_MODE" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --allow-privileged=true \
  --profiling=false \
  "${extra[@]}"
ms=$(wait_for kube-apiserver "https://127.0.0.1:$APISERVER_PORT/readyz" "$READY_TIMEOUT" --cacert "$P/ca.crt")
log "kube-apiserver /readyz ok after ${ms} ms"

# ---------------------------------------------------------------- kube-controller-manager
if [[ $WITH_KCM == 1 ]]; then
  mkdir -p "$S/kcm"
  # shellcheck disable=SC2206
  kcm_extra=(${KCM_EXTRA_ARGS:-})
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$S/kcm.kubeconfig" \
    --authentication-kubeconfig="$S/kcm.kubeconfig" --authorization-kubeconfig="$S/kcm.kubeconfig" \
    --authentication-skip-lookup=true \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$S/kcm" \
    --flex-volume-plugin-dir="$S/kcm/flexvolume" \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$P/sa.key" \
    --root-ca-file="$P/ca.crt" \
    --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
    "${kcm_extra[@]}"
  ms=$(wait_for kube-controller-manager "https://127.0.0.1:$KCM_PORT/healthz" 60 -k)
  log "kube-controller-manager /healthz ok after ${ms} ms"
fi
if [[ $WITH_SCHEDULER == 1 ]]; then
  mkdir -p "$S/scheduler"
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$S/scheduler.kubeconfig" \
    --authentication-kubeconfig="$S/scheduler.kubeconfig" --authorization-kubeconfig="$S/scheduler.kubeconfig" \
    --authentication-skip-lookup=true \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$S/scheduler" \
    --leader-elect=false
  ms=$(wait_for kube-scheduler "https://127.0.0.1:$SCHED_PORT/healthz" 60 -k)
  log "kube-scheduler /healthz ok after ${ms} ms"
fi

# The default ServiceAccount must exist before Pods can be created in a namespace; the
# controller-manager makes it. Wait for it in "default" so callers can apply at once.
if [[ $WITH_KCM == 1 ]]; then
  t0=$(date +%s)
  until curl -fsS -m 2 --cacert "$P/ca.crt" -H "Authorization: Bearer $(tok admin)" \
      "https://127.0.0.1:$APISERVER_PORT/api/v1/namespaces/default/serviceaccounts/default" >/dev/null 2>&1; do
    (( $(date +%s) - t0 < 60 )) || die "default ServiceAccount not created (see $S/logs/kube-controller-manager.log)"
    sleep 0.2
  done
fi
log "control plane up in $(( ($(date +%s%N) - T0) / 1000000 )) ms; pids in $S/pids, logs in $S/logs"
echo "export KUBECONFIG=$S/kubeconfig"
