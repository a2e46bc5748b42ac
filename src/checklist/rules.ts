/** How a rule violation is treated. */
export enum RuleSeverity {
  /** Synth (and `golden-go audit`) fails unless the rule is suppressed with a written reason. */
  ERROR = 'error',
  /** Reported. */
  WARNING = 'warning',
}

/** What a rule is checked on. */
export enum RuleTarget {
  /** The Dockerfile and .dockerignore (`HardenedGoImage`, audited Dockerfiles). */
  IMAGE = 'image',
  /** The Kubernetes objects (`GoMicroservice`, audited manifests). */
  KUBERNETES = 'kubernetes',
}

/** One rule of the golden checklist. */
export interface ChecklistRule {
  /** Stable id, B01–B21 or R01–R17. */
  readonly id: string;
  /** Short title. */
  readonly title: string;
  /** Severity of a violation. */
  readonly severity: RuleSeverity;
  /** What the rule is checked on. */
  readonly target: RuleTarget;
  /** Why it matters. */
  readonly rationale: string;
  /** Where it comes from (seed section or primary source). */
  readonly source: string;
  /** How to fix a violation. */
  readonly remediation: string;
}

const E = RuleSeverity.ERROR;
const W = RuleSeverity.WARNING;
const I = RuleTarget.IMAGE;
const K = RuleTarget.KUBERNETES;

function rule(id: string, title: string, severity: RuleSeverity, target: RuleTarget,
  rationale: string, source: string, remediation: string): ChecklistRule {
  return { id, title, severity, target, rationale, source, remediation };
}

const RULES: ChecklistRule[] = [
  rule('B01', 'static binary', E, I, 'A cgo binary needs the builder\'s C library at run time; on distroless static, Chainguard static or scratch it fails with "no such file or directory".', 'seed 000 §2.4, §3.1', 'Build with CGO_ENABLED=0 and prove it in the build (`go version -m` shows CGO_ENABLED=0).'),
  rule('B02', 'libc coherence', E, I, 'glibc symbols are versioned: a binary linked on a newer glibc, or on musl, does not load on an older glibc or on a libc-less base.', 'seed 000 §2.1–2.3', 'With cgo, use a runtime base of the builder\'s libc family and the same or a newer release (golang:*-trixie → distroless base-debian13).'),
  rule('B03', 'module layer first', W, I, 'Copying go.mod/go.sum and downloading modules before the source keeps the module layer cached and verified.', 'seed 000 ch.1', 'COPY go.mod go.sum → RUN go mod download && go mod verify → COPY the source.'),
  rule('B04', '.dockerignore', E, I, 'Without one, .git, local .env files and secrets enter the build context; excluding go.mod or go.sum breaks the module layer.', 'seed 000 §3.2', 'Use the generated .dockerignore; never exclude go.mod or go.sum.'),
  rule('B05', 'GOPROXY as ARG→ENV', E, I, '`go env -w` writes a config file that silently wins over --build-arg GOPROXY.', 'seed 000 ch.1, §4', 'ARG GOPROXY=<default> then ENV GOPROXY=${GOPROXY} in the build stage.'),
  rule('B06', 'checksum database stays on', E, I, 'GONOSUMDB=*, GOPRIVATE=*, GOSUMDB=off or GOINSECURE switch off tamper detection: exactly what a hijacked GOPROXY exploits. Correction of seed 000 §4.3 and ch.5, which recommend GONOSUMDB="*".', 'seed 000 §4', 'List private module prefixes in GOPRIVATE/GONOSUMDB (github.com/acme/*), keep GOSUMDB.'),
  rule('B07', 'locked module graph', W, I, 'Without -mod=readonly the build may rewrite go.mod; without GOTOOLCHAIN=local it may download another toolchain.', 'seed 000 §4', 'ENV GOFLAGS=-mod=readonly GOTOOLCHAIN=local.'),
  rule('B08', 'secrets never in build args', E, I, 'Build arguments and ENV stay in the image history and in provenance attestations.', 'Docker build reference', 'Pass credentials with RUN --mount=type=secret (for example a netrc).'),
  rule('B09', 'reproducible build', W, I, 'Without -trimpath, fixed ldflags and SOURCE_DATE_EPOCH, two builds of the same commit differ and cannot be compared or verified.', 'seed 000 ch.5', 'go build -trimpath -ldflags "-s -w -X …", build time from SOURCE_DATE_EPOCH.'),
  rule('B10', 'build caches', W, I, 'Without cache mounts every build downloads modules and recompiles the standard library.', 'seed 000 ch.5', 'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build …'),
  rule('B11', 'bases pinned by digest', W, I, 'A tag can be moved to other bytes at any time; only a digest names what was scanned and tested.', 'seed 000 ch.5', 'FROM name:tag@sha256:…; let Renovate bump the digest.'),
  rule('B12', 'minimal runtime', W, I, 'A shell and a package manager in the runtime image are attack surface and CVE noise.', 'seed 000 ch.5', 'Run on distroless static (Debian 13, nonroot), Chainguard static or an assembled scratch.'),
  rule('B13', 'numeric non-root user', E, I, 'runAsNonRoot can only verify a numeric user; root in the image defeats the restricted profile.', 'seeds 000 ch.5, 004', 'USER 65532:65532.'),
  rule('B14', 'exec-form entrypoint', E, I, 'A shell as PID 1 ignores SIGTERM: in-flight requests are cut off by SIGKILL after the grace period.', 'seed 004 ch.4', 'ENTRYPOINT ["/app"] (exec form, the Go binary itself).'),
  rule('B15', 'zoneinfo always present', E, I, 'An unknown TZ silently falls back to UTC in Go; scratch and musl images often have no zoneinfo.', 'seed 004 ch.2', 'Build with -tags timetzdata (or import time/tzdata).'),
  rule('B16', 'no shell healthcheck', E, I, 'Distroless and scratch have no wget, curl or shell: the HEALTHCHECK always fails. Correction of seed 004 ch.5.', 'seed 004 ch.5', 'HEALTHCHECK CMD ["/app", "healthcheck"] (exec form, the service binary), or none: Kubernetes uses probes.'),
  rule('B17', 'OCI labels', W, I, 'Without source/revision/version/created/base labels, registries and Renovate cannot trace the image.', 'seed 000 ch.5', 'LABEL org.opencontainers.image.{title,source,version,revision,created,base.name,base.digest}.'),
  rule('B18', 'build-time self-check', W, I, 'A build that never runs its binary on the runtime base ships images that cannot start.', 'seed 004 ch.1', 'A verify stage that checks `go version -m` and runs the binary (-version) on the runtime base.'),
  rule('B19', 'cross-compilation', W, I, 'Compiling under emulation is slow and fragile; Go cross-compiles natively.', 'seed 000 §3.3', 'FROM --platform=$BUILDPLATFORM for the builder, GOOS=$TARGETOS GOARCH=$TARGETARCH.'),
  rule('B20', 'SBOM and signature', W, K, 'Only a signed digest with an SBOM ties what runs to what was built; the manifests must carry that digest.', 'seed 000 ch.5', 'Sign the pushed digest with cosign, attach an SPDX SBOM, and pin exactly that digest (golden-go.dev/image-digest).'),
  rule('B21', 'BuildKit syntax', W, I, 'Without the syntax directive, older builders miss cache/secret mounts.', 'seed 000 ch.5', '# syntax=docker/dockerfile:1 as the first line.'),
  rule('R01', 'image by digest', E, K, ':latest or a tag names whatever was pushed last; rollbacks and signatures need a digest.', 'seed 000 ch.5', 'image: repo[:tag]@sha256:…'),
  rule('R02', 'three probes', E, K, 'Without startup/readiness/liveness probes on distinct endpoints, traffic reaches pods that are not ready and busy pods get restarted.', 'seed 004 ch.5', 'startupProbe /startupz, readinessProbe /readyz, livenessProbe /healthz on the named port.'),
  rule('R03', 'resources', E, K, 'Without requests the scheduler overcommits; without memory and ephemeral-storage limits one pod can starve a node.', 'seed 004 ch.5', 'requests cpu/memory/ephemeral-storage; limits memory/ephemeral-storage (CPU limit optional).'),
  rule('R04', 'GOMEMLIMIT from the limit', E, K, 'Go rejects Kubernetes units: GOMEMLIMIT=400Mi kills the program at start. Correction of seed 004 ch.5. A limit above the container limit never triggers before the OOM killer.', 'seed 004 ch.5', 'GOMEMLIMIT ≈ 90 % of the memory limit in MiB/GiB (512Mi → 460MiB).'),
  rule('R05', 'GOMAXPROCS', W, K, 'Go ≥ 1.25 follows the cgroup CPU limit itself; a fixed GOMAXPROCS disables that and overshoots a smaller limit (throttling).', 'seed 004 ch.5', 'Leave GOMAXPROCS unset on Go ≥ 1.25; on older Go take it from limits.cpu (downward API).'),
  rule('R06', 'graceful shutdown budget', E, K, 'If preStop + drain exceed terminationGracePeriodSeconds, SIGKILL cuts off in-flight requests; `exec sleep` fails on images without a sleep binary.', 'seed 004 ch.4', 'terminationGracePeriodSeconds ≥ preStop + drain + margin; preStop `sleep` action (1.30+), never exec sleep on distroless.'),
  rule('R07', 'restricted security context', E, K, 'Root, privilege escalation, capabilities and a writable root filesystem turn any RCE into a node compromise.', 'seed 004 ch.5', 'runAsNonRoot, 65532, allowPrivilegeEscalation false, drop ALL, seccomp RuntimeDefault, readOnlyRootFilesystem with an emptyDir /tmp.'),
  rule('R08', 'sysctls that can work', E, K, 'Node-level sysctls (vm.*, fs.*) are rejected by the kubelet; unsafe ones need kubelet flags; net.* with hostNetwork is invalid. Correction of seed 004 ch.5 (vm.swappiness, somaxconn, tcp_tw_reuse).', 'seed 004 ch.5', 'Only sysctls in the safe set of the target release, or explicitly allowed unsafe ones; node-level ones on the node.'),
  rule('R09', 'time zone and encoding', E, K, 'An invalid TZ silently becomes UTC in Go.', 'seed 004 ch.2–3', 'TZ as an IANA name (Europe/Berlin), LANG=C.UTF-8.'),
  rule('R10', 'logs', W, K, 'Without JSON logs and FallbackToLogsOnError, crashes leave no trace in `kubectl describe`.', 'seeds 000 ch.5, 004 ch.5', 'LOG_LEVEL, LOG_FORMAT=json, NO_COLOR=1, terminationMessagePolicy: FallbackToLogsOnError.'),
  rule('R11', 'metrics', W, K, 'Prometheus finds metrics through a named port (ServiceMonitor) or scrape annotations.', 'seed 004 ch.5', 'A container port named metrics; a ServiceMonitor or prometheus.io/* annotations.'),
  rule('R12', 'availability', W, K, 'One replica, no PDB or a rollout that removes pods first means downtime on every drain and deploy.', 'common practice', '≥ 2 replicas (or HPA min ≥ 2), a PDB, topology spread, RollingUpdate maxUnavailable 0.'),
  rule('R13', 'network policy', W, K, 'Without a NetworkPolicy every pod can reach and be reached by everything.', 'common practice', 'Deny by default; ingress to the service ports, egress to DNS plus declared dependencies.'),
  rule('R14', 'signed-image enforcement', W, K, 'An admission policy can only enforce what the manifests declare: repository and signer.', 'seed 000 ch.5', 'Record the expected signer (golden-go.dev/signer) and enforce it with ImageSignaturePolicy.'),
  rule('R15', 'recommended labels', W, K, 'Tools and people find workloads by app.kubernetes.io/* labels.', 'common practice', 'app.kubernetes.io/{name,instance,version,component,part-of,managed-by}.'),
  rule('R16', 'secrets as files', E, K, 'Secrets in environment variables leak through /proc, crash dumps and kubectl describe.', 'seed 004 ch.5', 'Mount Secrets as read-only files.'),
  rule('R17', 'deterministic output', W, K, 'Timestamps and generated names make every synth a diff and hide real changes in GitOps.', 'seed 000 ch.5', 'No creationTimestamp, no generateName, stable names, one file per object.'),
];

/** The golden checklist as data: one entry per rule id. */
export class ChecklistRules {
  /** Every rule, B01–B21 then R01–R17. */
  public static all(): ChecklistRule[] {
    return RULES.map((r) => ({ ...r }));
  }

  /** The rule with this id; throws with the list of valid ids otherwise. */
  public static get(id: string): ChecklistRule {
    const r = RULES.find((x) => x.id === id);
    if (!r) throw new Error(`ruleId: "${id}" is not a golden checklist rule; allowed: ${RULES.map((x) => x.id).join(', ')}`);
    return { ...r };
  }

  private constructor() {}
}
