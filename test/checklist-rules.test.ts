// Every rule of the golden checklist fails on a violating input and passes on the fixed one, through
// each path that runs it: synth (the checks of the constructs, on the final objects after the user's
// escape hatches) and `golden-go audit` of files. The fixed inputs are golden-go's own output; each
// violation is the smallest change that breaks one rule.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  BuilderImage, Checklist, ChecklistRules, GoImageRenderer, GoMicroservice, GolangVariant, HardenedGoImage, HardenedGoImageProps, ImageHealthCheck,
  ImageReference, ImageSigner, RuleSeverity, RuleTarget,
} from '../src';
import { DIGEST, goldenManifests, goldenService, Mutation, mutate, WORKLOAD_FIXTURES } from './workload-fixtures';
import { audit } from '../src/checklist/audit';
import { BUILD_RULES } from '../src/checklist/build-rules';
import { checkDockerfile, checkManifests } from '../src/checklist/checks';

const golden = GoImageRenderer.render({ name: 'svc', sourceUrl: 'https://example.com/acme/svc' });
const failingIds = (raw: Array<{ ruleId: string }>) => [...new Set(raw.map((r) => r.ruleId))].sort();
// The last input of `image()`, so the parity test can hand the same files to `golden-go audit`.
let lastDockerfile = '';
let lastDockerignore = '';
const image = (dockerfile: string, dockerignore: string = golden.dockerignore) => {
  lastDockerfile = dockerfile;
  lastDockerignore = dockerignore;
  return failingIds(checkDockerfile(dockerfile, dockerignore));
};
const k8s = (objects: any[]) => failingIds(checkManifests(objects, { kubernetesVersion: '1.35' }));

// golden's Dockerfile with ARG GOPROXY declared only before FROM: empty inside the stage (B05).
const GOPROXY_ONLY_BEFORE_FROM = golden.dockerfile.replace(/\nARG GOPROXY=(\S+)\n/, '\n').replace('# syntax=docker/dockerfile:1\n', '# syntax=docker/dockerfile:1\nARG GOPROXY=https://proxy.golang.org,direct\n');

const imageCases: Array<[string, () => string[]]> = [
  ['B01', () => image(golden.dockerfile.replace('CGO_ENABLED=0\n', 'GOAMD64=v1\n'))],
  ['B02', () => image(golden.dockerfile.replace('CGO_ENABLED=0\n', 'CGO_ENABLED=1\n'))],
  ['B03', () => image(golden.dockerfile.replace('go mod download && go mod verify', 'true'))],
  ['B04', () => image(golden.dockerfile, '.git\n.env\n*.sum\n')],
  ['B05', () => image(GOPROXY_ONLY_BEFORE_FROM)],
  ['B06', () => image(golden.dockerfile.replace('WORKDIR /src\n', 'WORKDIR /src\nENV GONOSUMDB=*\n'))],
  ['B07', () => image(golden.dockerfile.replace('GOFLAGS=-mod=readonly \\\n    ', ''))],
  ['B08', () => image(golden.dockerfile.replace('ARG TARGETOS\n', 'ARG TARGETOS\nARG GITHUB_TOKEN\n'))],
  ['B09', () => image(golden.dockerfile.replaceAll('-trimpath ', ''))],
  ['B10', () => image(golden.dockerfile.replace('RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n', 'RUN '))],
  ['B11', () => image(golden.dockerfile.replace(/ARG BUILDER_IMAGE=docker\.io\/library\/golang:1\.26-trixie@sha256:[0-9a-f]{64}/, 'ARG BUILDER_IMAGE=docker.io/library/golang:1.26-trixie'))],
  ['B12', () => image(golden.dockerfile.replace(/ARG RUNTIME_IMAGE=\S+/, `ARG RUNTIME_IMAGE=alpine:3.22@sha256:${'a'.repeat(64)}`))],
  ['B13', () => image(golden.dockerfile.replace('USER 65532:65532', 'USER nonroot'))],
  ['B14', () => image(golden.dockerfile.replace('ENTRYPOINT ["/app"]', 'ENTRYPOINT /app'))],
  // Without embedded tzdata on a base that has no zoneinfo (distroless static carries it).
  ['B15', () => image(golden.dockerfile.replaceAll(' -tags timetzdata', '').replace(/ARG RUNTIME_IMAGE=\S+/, 'ARG RUNTIME_IMAGE=scratch'))],
  ['B16', () => image(golden.dockerfile.replace('ENTRYPOINT', 'HEALTHCHECK CMD wget -q -O- http://localhost:8080/healthz\nENTRYPOINT'))],
  ['B17', () => image(golden.dockerfile.replace(/LABEL [\s\S]*?base\.digest="\$\{RUNTIME_IMAGE_DIGEST\}"\n/, ''))],
  ['B18', () => image(golden.dockerfile.replace(/^RUN go version -m \/out\/app[\s\S]*?exit 1; \}\n/m, ''))],
  ['B19', () => image(golden.dockerfile.replace('FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build', 'FROM ${BUILDER_IMAGE} AS build'))],
  ['B21', () => image(golden.dockerfile.replace('# syntax=docker/dockerfile:1\n', ''))],
];

// [fixture name, rule id, verdict]
const k8sCases = WORKLOAD_FIXTURES.map((f): [string, string, () => string[]] => [f.name, f.ruleId, () => k8s(mutate(f.mutate))]);

test('the catalog has exactly B01–B21 and R01–R17, each with rationale, source and remediation', () => {
  const ids = ChecklistRules.all().map((r) => r.id);
  expect(ids).toEqual([...Array(21)].map((_, i) => `B${String(i + 1).padStart(2, '0')}`).concat([...Array(17)].map((_, i) => `R${String(i + 1).padStart(2, '0')}`)));
  for (const r of ChecklistRules.all()) {
    expect(r.title.length).toBeGreaterThan(3);
    expect(r.rationale.length).toBeGreaterThan(30);
    expect(r.source).toBeTruthy();
    expect(r.remediation.length).toBeGreaterThan(10);
    expect([RuleSeverity.ERROR, RuleSeverity.WARNING]).toContain(r.severity);
    expect([RuleTarget.IMAGE, RuleTarget.KUBERNETES]).toContain(r.target);
  }
  expect(() => ChecklistRules.get('R99')).toThrow(/^ruleId: "R99" is not a golden checklist rule; allowed: B01, B02/);
});

test('every rule id has a violating case below', () => {
  const covered = new Set([...imageCases.map(([id]) => id), ...k8sCases.map(([, id]) => id)]);
  expect(ChecklistRules.all().map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
});

test('the fixed inputs (golden-go output) pass every rule', () => {
  expect(image(golden.dockerfile)).toEqual([]);
  expect(k8s(goldenManifests())).toEqual([]);
});

test.each(imageCases)('%s fails on the violating Dockerfile', (id, run) => {
  expect(run()).toContain(id);
});

test.each(k8sCases)('%s fails on the violating manifests', (_name, id, run) => {
  expect(run()).toContain(id);
});

// ---- parity: the same verdict through synth and through `golden-go audit`

const failing = (findings: Array<{ ruleId: string; status: string }>) => [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.ruleId))].sort();

function auditDir(files: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-parity-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return failing(audit([dir], { kubernetesVersion: '1.35' }).findings);
}

/** The image rules through `golden-go audit` of the Dockerfile and its .dockerignore. */
const auditImage = (dockerfile: string, dockerignore: string = golden.dockerignore) => auditDir({ 'Dockerfile': dockerfile, '.dockerignore': dockerignore });

/** The workload rules through synth: the mutation is applied as the user's own JSON patches on golden-go's objects. */
function synthK8s(fn: Mutation): string[] {
  const { chart, svc } = goldenService();
  const before = Testing.synth(chart);
  const after = JSON.parse(JSON.stringify(before));
  const dep = after.find((o: any) => o.kind === 'Deployment');
  fn(after, dep, dep.spec.template, dep.spec.template.spec.containers[0]);
  for (const obj of svc.node.findAll().filter(ApiObject.isApiObject)) {
    const i = before.findIndex((o: any) => o.kind === obj.kind && o.metadata.name === obj.name);
    for (const key of ['metadata', 'spec']) {
      if (JSON.stringify(before[i][key]) !== JSON.stringify(after[i][key])) obj.addJsonPatch(JsonPatch.replace(`/${key}`, after[i][key]));
    }
  }
  return failing(Checklist.findings(chart));
}

/** The workload rules through `golden-go audit`: one file per object, as a GitOps folder holds them. */
function auditK8s(fn: Mutation): string[] {
  const objs = mutate(fn);
  return auditDir(Object.fromEntries(objs.map((o, i) => [`${String(i).padStart(2, '0')}-${o.kind}.yaml`, YAML.stringify(o)])));
}

describe('parity: every rule has one verdict through synth and through audit', () => {
  test('every rule has a parity case', () => {
    const covered = new Set([...imageCases.map(([id]) => id), ...WORKLOAD_FIXTURES.map((f) => f.ruleId)]);
    expect(ChecklistRules.all().map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('the fixed inputs pass both paths', () => {
    expect(auditImage(golden.dockerfile)).toEqual([]);
    expect(synthK8s(() => undefined)).toEqual([]);
    expect(auditK8s(() => undefined)).toEqual([]);
  });

  test.each(imageCases.map(([id]) => id))('%s: the violating Dockerfile is flagged by audit as by the synth check', (id) => {
    const viaSynth = imageCases.find(([i]) => i === id)![1]();
    expect(viaSynth).toContain(id);
    expect(auditImage(lastDockerfile, lastDockerignore)).toEqual(viaSynth);
  });

  test.each(WORKLOAD_FIXTURES.map((f): [string, string, Mutation] => [f.name, f.ruleId, f.mutate]))('%s: the user change is flagged through synth and audit alike', (_name, id, fn) => {
    const viaSynth = synthK8s(fn);
    expect(viaSynth).toContain(id);
    expect(auditK8s(fn)).toEqual(viaSynth);
  });
});

// ---- one implementation: a construct-time verdict and the check on the output say the same thing

describe('construct-time errors and output checks share one implementation per rule', () => {
  const REASON = 'the exception was reviewed with the platform team for this service';
  test.each<[string, Record<string, unknown>]>([
    ['R01', { image: ImageReference.fromTag('registry.example.com/acme/svc', 'dev') }],
    ['R06', { terminationGracePeriodSeconds: 10 }],
    ['R08', { sysctls: [{ name: 'vm.swappiness', value: '10' }] }],
    ['R09', { timeZone: 'Mars/Base_One' }],
    ['R12', { replicas: 1 }],
    ['R12', { autoscaling: { minReplicas: 1, maxReplicas: 3 } }],
    ['R16', { env: { DB_PASSWORD: 'hunter2' } }],
  ])('%s %p: the suppressed construct-time finding and the output finding carry one message', (ruleId, props) => {
    const chart = Testing.chart();
    new GoMicroservice(chart, 'svc', {
      image: ImageReference.fromDigest('registry.example.com/acme/svc', DIGEST, '1.0.0'),
      namespace: 'shop',
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/svc/.github/workflows/release.yml@refs/heads/main'),
      suppressions: { [ruleId]: REASON },
      ...props,
    });
    const mine = Checklist.findings(chart).filter((f) => f.ruleId === ruleId);
    // One from construction (field = the prop) and one from the output check (field = where in the object).
    expect(mine.map((f) => f.status)).toEqual(['suppressed', 'suppressed']);
    expect(new Set(mine.map((f) => f.message)).size).toBe(1);
    expect(mine.some((f) => f.object === undefined) && mine.some((f) => f.object !== undefined)).toBe(true);
  });
});

// ---- the same for the image rules: HardenedGoImage's construct-time verdict and the Dockerfile check

describe('image rules: the construct-time verdict and the Dockerfile check share one implementation', () => {
  const REASON = 'the exception was reviewed with the platform team for this image';
  const SOURCE = { name: 'svc', sourceUrl: 'https://example.com/acme/svc' };
  const imageChart = (props: Partial<HardenedGoImageProps>) => {
    const chart = Testing.chart();
    const img = new HardenedGoImage(chart, 'image', { ...SOURCE, ...props });
    return { chart, img };
  };
  /** Findings of `golden-go audit` on the files the image writes (its suppression comments included). */
  const auditImageFiles = (img: HardenedGoImage) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-parity-image-'));
    img.writeFiles(dir);
    return audit([dir], { kubernetesVersion: '1.35' }).findings;
  };
  const tagOnlyBuilder = BuilderImage.golang({ variant: GolangVariant.BOOKWORM });
  const violating: Array<[string, Partial<HardenedGoImageProps>]> = [
    ['B02', { cgo: true }],
    ['B11', { strict: true, builderImage: tagOnlyBuilder }],
    ['B14', { entrypoint: ['/bin/sh', '-c', '/app'] }],
    ['B16', { healthCheck: ImageHealthCheck.fromCommand(['wget', '-qO-', 'http://localhost:8080/healthz']) }],
    ['B18', { goVersion: '1.25', builderImage: BuilderImage.golang({ goVersion: '1.26.8' }) }],
  ];

  test('the fixed image (default props) passes through synth and audit', () => {
    const { chart, img } = imageChart({});
    expect(failing(Checklist.findings(chart))).toEqual([]);
    expect(failing(auditImageFiles(img))).toEqual([]);
  });

  test.each(violating)('%s: the suppressed construct-time finding and the output finding carry one message, in synth and audit', (ruleId, props) => {
    const { chart, img } = imageChart({ ...props, suppressions: { [ruleId]: REASON } });
    const mine = Checklist.findings(chart).filter((f) => f.ruleId === ruleId);
    // One from construction (field = the prop) and one from the check of the rendered Dockerfile.
    const atConstruction = mine.filter((f) => f.field !== undefined);
    const onOutput = mine.filter((f) => f.field === undefined);
    expect(atConstruction.map((f) => f.status)).toEqual(['suppressed']);
    expect(onOutput.map((f) => f.status)).toEqual(['suppressed']);
    expect(onOutput[0].message).toBe(atConstruction[0].message);
    // `golden-go audit` of the written files sees the same violation, suppressed by the Dockerfile's comment.
    const audited = auditImageFiles(img).filter((f) => f.ruleId === ruleId);
    expect(audited.map((f) => [f.status, f.message])).toEqual([['suppressed', atConstruction[0].message]]);
  });

  test.each(violating)('%s: without the suppression the construct fails with the message the output check gives', (ruleId, props) => {
    const { img } = imageChart({ ...props, suppressions: { [ruleId]: REASON } });
    const onOutput = checkDockerfile(img.dockerfile, img.dockerignore).filter((f) => f.ruleId === ruleId);
    expect(onOutput).toHaveLength(1);
    expect(() => imageChart(props)).toThrow(`[${ruleId}] `);
    expect(() => imageChart(props)).toThrow(`: ${onOutput[0].message}`);
  });

  // The rendering takes go.mod/go.sum back in (`!go.sum` last), so the user's pattern is judged at
  // construction; the .dockerignore check gives the same message for the same pattern.
  test('B04: the construct error and the .dockerignore check carry one message', () => {
    const { chart, img } = imageChart({ dockerignore: ['*.sum'], suppressions: { B04: REASON } });
    const [atConstruction] = Checklist.findings(chart).filter((f) => f.ruleId === 'B04');
    expect(atConstruction).toMatchObject({ status: 'suppressed', field: 'dockerignore' });
    expect(failing(auditImageFiles(img))).toEqual([]);
    const userIgnore = '.git\n.env\n*.sum\n';
    expect(checkDockerfile(img.dockerfile, userIgnore).filter((f) => f.ruleId === 'B04').map((f) => f.message)).toEqual([atConstruction.message]);
    const audited = auditDir({ 'Dockerfile': golden.dockerfile, '.dockerignore': userIgnore });
    expect(audited).toEqual(['B04']);
    expect(() => imageChart({ dockerignore: ['*.sum'] })).toThrow(`[B04] dockerignore: ${atConstruction.message}`);
  });

  // B06 cannot be suppressed, so nothing violating is ever rendered: the construct error and the check of
  // the same setting written into golden-go's Dockerfile carry one message.
  test.each<[string, Partial<HardenedGoImageProps>, string]>([
    ['goNoSumDb', { goNoSumDb: ['*'] }, 'GONOSUMDB=*'],
    ['goPrivate', { goPrivate: ['*/acme'] }, 'GOPRIVATE=*/acme'],
    ['goSumDb', { goSumDb: 'off' }, 'GOSUMDB=off'],
  ])('B06 %s: the construct error and the Dockerfile check carry one message', (prop, props, setting) => {
    const dockerfile = golden.dockerfile.replace('WORKDIR /src\n', `WORKDIR /src\nENV ${setting}\n`);
    const [onOutput, ...more] = checkDockerfile(dockerfile, golden.dockerignore).filter((f) => f.ruleId === 'B06');
    expect(more).toEqual([]);
    expect(() => imageChart(props)).toThrow(`[B06] ${prop}: ${onOutput.message}`);
    expect(auditImage(dockerfile)).toEqual(['B06']);
  });
});

// ---- precision of the image rules on foreign Dockerfiles (issue 14): what a real build does decides

describe('image rules judge what the build does, not what a seed said', () => {
  const ruleSeverity = (ruleId: string) => BUILD_RULES.find((r) => r.id === ruleId)!.severity;
  const findings = (dockerfile: string, ruleId: string) =>
    checkDockerfile(dockerfile, golden.dockerignore).filter((f) => f.ruleId === ruleId).map((f) => [f.severity ?? ruleSeverity(ruleId), f.message]);
  const FOREIGN = (runtime: string, extra = '') => `# syntax=docker/dockerfile:1
FROM golang:1.26-trixie@sha256:${'a'.repeat(64)} AS build
ARG GOPROXY=https://proxy.golang.org,direct
ENV GOPROXY=\${GOPROXY} GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN go build -trimpath -o /out/app .
FROM ${runtime}
${extra}COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`;

  test('B05: an ENV beats `go env -w`, so a file it overrides is a warning; one that decides the build is an error', () => {
    const overridden = golden.dockerfile.replace('WORKDIR /src\n', 'WORKDIR /src\nRUN go env -w GOPROXY=direct\n');
    expect(findings(overridden, 'B05')).toEqual([['warning', expect.stringContaining('is overridden by ENV GOPROXY here')]]);
    const deciding = golden.dockerfile.replace('WORKDIR /src\n', 'WORKDIR /src\nRUN go env -w GONOPROXY=example.com\n');
    expect(findings(deciding, 'B05')).toEqual([['error', expect.stringContaining('decides the build, because GONOPROXY is not in the build\'s environment')]]);
  });

  test('B05: an ARG declared only before FROM is empty in the stage; redeclared, it is fine', () => {
    expect(findings(GOPROXY_ONLY_BEFORE_FROM, 'B05')).toEqual([['error', expect.stringContaining('reads ARG GOPROXY, which is declared only before FROM')]]);
    const redeclared = GOPROXY_ONLY_BEFORE_FROM.replace('ARG TARGETOS\n', 'ARG TARGETOS\nARG GOPROXY\n');
    expect(findings(redeclared, 'B05')).toEqual([]);
  });

  test('B15: distroless carries zoneinfo, a runtime stage that installs tzdata too; scratch without timetzdata is flagged', () => {
    expect(findings(FOREIGN(`gcr.io/distroless/static-debian13:nonroot@sha256:${'b'.repeat(64)}`), 'B15')).toEqual([]);
    expect(findings(FOREIGN(`alpine:3.22@sha256:${'c'.repeat(64)}`, 'RUN apk add --no-cache tzdata\n'), 'B15')).toEqual([]);
    expect(findings(FOREIGN('scratch'), 'B15')).toEqual([['warning', expect.stringContaining('"scratch" has no zoneinfo')]]);
    expect(findings(FOREIGN('scratch', 'ENV TZ=Europe/Berlin\n'), 'B15')).toEqual([['error', expect.stringContaining('TZ=Europe/Berlin is set but "scratch" has no zoneinfo')]]);
  });

  test('B02: a glibc release mismatch between Debian lines is an error (bookworm builder, debian11 runtime)', () => {
    const cgo = (builder: string, runtime: string) => FOREIGN(runtime).replace(/FROM golang:\S+ AS build/, `FROM ${builder} AS build`).replace('CGO_ENABLED=0', 'CGO_ENABLED=1');
    const digest = `@sha256:${'d'.repeat(64)}`;
    expect(findings(cgo(`golang:1.26-bookworm${digest}`, `gcr.io/distroless/base-debian11${digest}`), 'B02'))
      .toEqual([['error', expect.stringContaining('glibc 2.36, newer than 2.31 on gcr.io/distroless/base-debian11')]]);
    expect(findings(cgo(`golang:1.26-bullseye${digest}`, `gcr.io/distroless/base-debian12${digest}`), 'B02')).toEqual([]);
  });

  test('B10: gocacheverify verifies the build cache, not modules; as a GOFLAGS flag it breaks every go command', () => {
    const env = (setting: string) => golden.dockerfile.replace('WORKDIR /src\n', `WORKDIR /src\nENV ${setting}\n`);
    expect(findings(env('GODEBUG=http2client=0,gocacheverify=1'), 'B10')).toEqual([['warning', expect.stringContaining('it verifies no module')]]);
    expect(findings(env('GOFLAGS="-mod=readonly -gocacheverify"'), 'B10')).toEqual([['error', expect.stringContaining('-gocacheverify is not a flag')]]);
    expect(findings(env('GODEBUG=gocacheverify=0'), 'B10')).toEqual([]);
  });
});
