import { BaseImage, BuilderImage, DebianRelease, GolangVariant, GoImageRenderer, HardenedGoImageProps, ImageHealthCheck, Libc, SelfCheck } from '../src';

const base: HardenedGoImageProps = { name: 'svc', sourceUrl: 'https://example.com/acme/svc' };
const render = (props: Partial<HardenedGoImageProps> = {}) => GoImageRenderer.render({ ...base, ...props });
const lines = (text: string) => text.split('\n');

describe('defaults carry every B rule', () => {
  const r = render();
  const df = r.dockerfile;

  test('B21 syntax directive is the first line', () => {
    expect(lines(df)[0]).toBe('# syntax=docker/dockerfile:1');
  });

  test('B11 bases are build arguments pinned by digest', () => {
    expect(df).toMatch(/^ARG BUILDER_IMAGE=docker\.io\/library\/golang:1\.26-trixie@sha256:[0-9a-f]{64}$/m);
    expect(df).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/static-debian13:nonroot@sha256:[0-9a-f]{64}$/m);
    expect(r.warnings.filter((w) => w.startsWith('[B11]'))).toEqual([]);
  });

  test('B19 cross-compiles from the build platform for the target platform', () => {
    expect(df).toContain('FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build');
    expect(df).toContain('GOOS="$TARGETOS" GOARCH="$TARGETARCH"');
    expect(r.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(r.buildxCommand).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64']));
  });

  test('B05 GOPROXY is ARG then ENV and never go env -w', () => {
    const arg = df.indexOf('ARG GOPROXY=https://proxy.golang.org,direct');
    const env = df.indexOf('ENV GOPROXY=${GOPROXY}');
    expect(arg).toBeGreaterThan(0);
    expect(env).toBeGreaterThan(arg);
    expect(lines(df).filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/go env -w/);
  });

  test('B06/B07 checksum DB untouched, module graph locked, no toolchain download, cgo off (B01)', () => {
    expect(df).not.toMatch(/GOSUMDB|GONOSUMDB|GOINSECURE/);
    expect(df).toMatch(/GOFLAGS=-mod=readonly/);
    expect(df).toMatch(/GOTOOLCHAIN=local/);
    expect(df).toMatch(/CGO_ENABLED=0/);
  });

  test('B03 module files first, then download and verify, then the source', () => {
    const order = ['COPY go.mod go.sum* ./', 'go mod download && go mod verify', 'COPY . .', 'go build'].map((s) => df.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('B09/B10/B15 reproducible flags, cache mounts and embedded tzdata', () => {
    expect(df).toMatch(/go build -trimpath -buildvcs=false -tags timetzdata/);
    expect(df).toContain('-ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}"');
    expect(df).toContain('--mount=type=cache,target=/go/pkg/mod');
    expect(df).toContain('--mount=type=cache,target=/root/.cache/go-build');
    expect(r.buildArgs.SOURCE_DATE_EPOCH).toBe('0');
    expect(r.buildArgs.CREATED).toBe('1970-01-01T00:00:00Z');
    expect(r.buildahCommand).toEqual(expect.arrayContaining(['--timestamp', '0', '--identity-label=false']));
    expect(r.buildxCommand.join(' ')).toContain('rewrite-timestamp=true');
  });

  test('B01/B18 the build proves a static binary of the declared Go release and, by default, never runs it', () => {
    expect(df).toMatch(/grep -Eq '\^\[\[:space:\]\]\+build\[\[:space:\]\]\+CGO_ENABLED=0\$'/);
    expect(df).toContain("grep -Eq ': go1\\.26([.]|$)'");
    expect(df).not.toContain('AS verify');
    expect(df).not.toMatch(/\/out\/app '|RUN \["\/app"/);
    expect(df).toContain('COPY --from=build --chown=0:0 --chmod=0555 /out/app /app');
  });

  test('B13/B14 numeric user and exec-form entrypoint', () => {
    expect(df).toMatch(/^USER 65532:65532$/m);
    expect(df).toMatch(/^ENTRYPOINT \["\/app"\]$/m);
    expect(df).not.toMatch(/^(ENTRYPOINT|CMD) [^[]/m);
  });

  test('B16 no healthcheck unless asked for', () => {
    expect(df).not.toMatch(/^HEALTHCHECK/m);
  });

  test('B17 OCI labels', () => {
    for (const k of ['title', 'source', 'version', 'revision', 'created', 'base.name', 'base.digest']) {
      expect(df).toContain(`org.opencontainers.image.${k}=`);
    }
    expect(r.buildArgs.RUNTIME_IMAGE_DIGEST).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.warnings).toEqual([]);
  });

  test('B04 .dockerignore keeps secrets out and the module files in', () => {
    const di = lines(r.dockerignore);
    expect(di).toEqual(expect.arrayContaining(['.git', '.env', '**/.netrc', '*.pem', 'bin/']));
    expect(di.slice(-3)).toEqual(['!go.mod', '!go.sum', '']);
  });

  test('build arguments are stable and complete', () => {
    expect(Object.keys(r.buildArgs)).toEqual(['BUILDER_IMAGE', 'RUNTIME_IMAGE', 'RUNTIME_IMAGE_DIGEST', 'GOPROXY', 'VERSION', 'COMMIT', 'SOURCE_DATE_EPOCH', 'CREATED']);
    expect(render()).toEqual(r);
  });
});

describe('variants', () => {
  test('scratch assembles CA bundle, passwd/group with 65532 and /tmp 1777', () => {
    const df = render({ runtimeImage: BaseImage.scratch() }).dockerfile;
    expect(df).toContain('cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt');
    expect(df).toContain('nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin');
    expect(df).toContain('chmod 1777 /rootfs/tmp');
    expect(df).toMatch(/^FROM scratch\nARG VERSION=dev\nARG COMMIT=unknown\nARG CREATED=1970-01-01T00:00:00Z\nCOPY --from=build \/rootfs\/ \/$/m);
    expect(df).toContain('ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt');
    expect(df).not.toContain('base.digest');
  });

  test('Chainguard static and distroless Debian 12 without a digest warn about B11', () => {
    expect(render({ runtimeImage: BaseImage.chainguardStatic() }).dockerfile).toMatch(/ARG RUNTIME_IMAGE=cgr\.dev\/chainguard\/static:latest@sha256:/);
    const r = render({ runtimeImage: BaseImage.distrolessStatic({ debian: DebianRelease.BOOKWORM }) });
    expect(r.warnings).toEqual([expect.stringMatching(/^\[B11\] runtimeImage: gcr\.io\/distroless\/static-debian12:nonroot is tag-only/)]);
  });

  test('strict mode turns tag-only bases into an error', () => {
    expect(() => render({ strict: true, builderImage: BuilderImage.golang({ variant: GolangVariant.BOOKWORM }) }))
      .toThrow(/^\[B11\] builderImage: docker\.io\/library\/golang:1\.26-bookworm is tag-only/);
  });

  test('cgo with a matching glibc base builds natively and checks CGO_ENABLED=1', () => {
    const r = render({ cgo: true, runtimeImage: BaseImage.distrolessBase() });
    expect(r.dockerfile).toMatch(/^FROM \$\{BUILDER_IMAGE\} AS build$/m);
    expect(r.dockerfile).toMatch(/CGO_ENABLED=1/);
    expect(r.dockerfile).toContain('CGO_ENABLED=1$\' /tmp/buildinfo');
    expect(r.warnings).toEqual([]);
  });

  test('cgo on an older glibc builder (bookworm) runs on a newer base (trixie)', () => {
    const r = render({ cgo: true, builderImage: BuilderImage.golang({ variant: GolangVariant.BOOKWORM, digest: `sha256:${'a'.repeat(64)}` }), runtimeImage: BaseImage.distrolessBase() });
    expect(r.dockerfile).toContain('CGO_ENABLED=1');
  });

  test('cgo with unknown libc releases warns', () => {
    const r = render({ cgo: true, runtimeImage: BaseImage.custom(`registry.example.com/glibc:1@sha256:${'b'.repeat(64)}`, { libc: Libc.GLIBC }) });
    expect(r.warnings).toEqual([expect.stringMatching(/^\[B02\] runtimeImage: the glibc releases/)]);
  });

  test('private modules: patterns, a netrc secret mount and the buildx/buildah secret flag (B06, B08)', () => {
    const r = render({ goPrivate: ['github.com/acme/*', 'go.acme.internal'], goNoSumDb: ['example.org/mirror/*'], goSumDb: 'sum.golang.google.cn' });
    expect(r.dockerfile).toContain('GOPRIVATE=github.com/acme/*,go.acme.internal');
    expect(r.dockerfile).toContain('GONOSUMDB=example.org/mirror/*');
    expect(r.dockerfile).toContain('GOSUMDB="sum.golang.google.cn"');
    expect(r.dockerfile).toContain('--mount=type=secret,id=netrc,target=/root/.netrc,required=true');
    expect(r.buildahCommand).toEqual(expect.arrayContaining(['--secret', 'id=netrc,src=$HOME/.netrc']));
    expect(r.buildxCommand).toEqual(expect.arrayContaining(['--secret', 'id=netrc,src=$HOME/.netrc']));
    expect(r.dockerfile).not.toMatch(/ARG .*(TOKEN|PASSWORD|NETRC)/i);
  });

  test('healthcheck from the service binary, exec form, docker format for buildah', () => {
    const r = render({ healthCheck: ImageHealthCheck.fromSubcommand('healthcheck', ['-path', '/readyz'], { intervalSeconds: 10 }) });
    expect(r.dockerfile).toMatch(/^HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD \["\/app","healthcheck","-path","\/readyz"\]$/m);
    expect(r.buildahCommand).toEqual(expect.arrayContaining(['--format', 'docker']));
  });

  test('entrypoint arguments, command, build tags, ldflags variables, goEnv and extra ignores', () => {
    const r = render({
      entrypoint: ['/app', 'serve'],
      command: ['--listen', ':8080'],
      buildTags: ['netgo'],
      mainPackage: './cmd/svc',
      versionVariable: 'example.com/svc/internal/build.Version',
      goEnv: { GOEXPERIMENT: 'greenteagc', GOAMD64: 'v3' },
      dockerignore: ['testdata/big/'],
    });
    expect(r.dockerfile).toContain('ENTRYPOINT ["/app","serve"]');
    expect(r.dockerfile).toContain('CMD ["--listen",":8080"]');
    expect(r.dockerfile).toContain('-tags timetzdata,netgo');
    expect(r.dockerfile).toContain('-o /out/app ./cmd/svc');
    expect(r.dockerfile).toContain('-X example.com/svc/internal/build.Version=${VERSION}');
    expect(r.dockerfile).toMatch(/GOAMD64="v3" \\\n\s+GOEXPERIMENT="greenteagc"/);
    expect(r.dockerignore).toContain('testdata/big/');
  });

  test('selfCheckArgs: [] (deprecated) is SelfCheck.none(): static proof only', () => {
    expect(render({ selfCheckArgs: [] }).dockerfile).toBe(render({ selfCheck: SelfCheck.none() }).dockerfile);
    expect(render({ selfCheckArgs: [] }).dockerfile).toBe(render().dockerfile);
  });

  test('selfCheckArgs (deprecated) maps to SelfCheck.run', () => {
    expect(render({ selfCheckArgs: ['-version'] }).dockerfile).toBe(render({ selfCheck: SelfCheck.run(['-version']) }).dockerfile);
  });

  test('SelfCheck.run runs the binary on the build platform with an error naming the prop, then on the runtime base', () => {
    const df = render({ selfCheck: SelfCheck.run(['version', '--short']) }).dockerfile;
    const named = "selfCheck (SelfCheck.run(['version', '--short']))";
    expect(df).toContain(`# golden-go: ${named}: the binary must exit 0, first on the build platform.`);
    expect(df).toContain('RUN if [ "$TARGETARCH" != "$(go env GOHOSTARCH)" ]; then');
    expect(df).toContain("elif ! /out/app 'version' '--short'; then");
    expect(df).toContain(`echo "golden-go: the self-check declared by ${named} failed: /out/app 'version' '--short' exited non-zero; declare arguments the program accepts, or SelfCheck.none()" >&2; exit 1;`);
    // The build-platform run precedes the runtime-base run, so a native build fails with the named error first.
    expect(df.indexOf('elif ! /out/app')).toBeLessThan(df.indexOf('AS verify'));
    expect(df).toContain(`# golden-go: ${named}: the binary must also start on the runtime base itself (B18).`);
    expect(df).toMatch(/^FROM \$\{RUNTIME_IMAGE\} AS verify\nCOPY --from=build \/out\/app \/app\nRUN \["\/app","version","--short"\]$/m);
    expect(df).toContain('COPY --from=verify --chown=0:0 --chmod=0555 /app /app');
  });

  test('SelfCheck.run on scratch assembles the root file system in the verify stage', () => {
    const df = render({ runtimeImage: BaseImage.scratch(), selfCheck: SelfCheck.run(['version']) }).dockerfile;
    expect(df).toMatch(/^FROM scratch AS verify\nCOPY --from=build \/rootfs\/ \/\nCOPY --from=build \/out\/app \/app\nRUN \["\/app","version"\]$/m);
  });

  test('SelfCheck.run() without arguments and selfCheck with selfCheckArgs are errors naming the props', () => {
    expect(() => SelfCheck.run([])).toThrow(/^selfCheck: SelfCheck.run needs at least one argument .*SelfCheck.none\(\)/);
    expect(() => render({ selfCheck: SelfCheck.none(), selfCheckArgs: ['-version'] })).toThrow(/^selfCheckArgs.*selfCheck is set/);
  });

  test('stamped variables: the build proves each -X target exists on an unstripped link; a named one fails naming its prop', () => {
    const df = render({ versionVariable: 'example.com/svc/internal/build.Version' }).dockerfile;
    // The shipped binary stays stripped; the second link differs only by -s -w.
    expect(df).toContain('-ldflags "-s -w -X example.com/svc/internal/build.Version=${VERSION} -X main.commit=${COMMIT}" \\\n    -o /out/app .');
    expect(df).toContain('-ldflags "-X example.com/svc/internal/build.Version=${VERSION} -X main.commit=${COMMIT}" \\\n    -o /tmp/app.symbols .');
    expect(df).toContain('&& go tool nm /tmp/app.symbols > /tmp/symbols && rm /tmp/app.symbols');
    expect(df).toContain("RUN grep -Eq ' D example\\.com/svc/internal/build\\.Version$' /tmp/symbols || { echo \"golden-go: versionVariable example.com/svc/internal/build.Version: no package-level string variable of that name is linked into /out/app");
    expect(df).toContain('set versionVariable to the variable the program reads" >&2; exit 1; }');
    // The default commit target only warns: many programs have no commit variable.
    expect(df).toContain("; grep -Eq ' D main\\.commit$' /tmp/symbols || echo \"golden-go warning: commitVariable main.commit:");
    expect(df).toContain('set commitVariable (default main.commit) to the variable the program reads" >&2\n');
  });

  test('stamped variables: a named commitVariable fails the build too', () => {
    const df = render({ commitVariable: 'main.gitCommit' }).dockerfile;
    expect(df).toContain("grep -Eq ' D main\\.gitCommit$' /tmp/symbols || { echo \"golden-go: commitVariable main.gitCommit:");
    expect(df).toContain("grep -Eq ' D main\\.version$' /tmp/symbols || echo \"golden-go warning: versionVariable main.version:");
  });

  test('stamp and buildDateVariable: every -X is in both links and proven, failing the build naming its prop', () => {
    const r = render({
      sourceDateEpoch: 1700000000,
      buildDateVariable: 'example.com/svc/internal/buildinfo.BuildDate',
      stamp: { 'example.com/svc/internal/buildinfo.Channel': 'stable', 'example.com/lib/v2/meta.Vendor': 'acme.example/team=a' },
    });
    const df = r.dockerfile;
    const x = '-X main.version=${VERSION} -X main.commit=${COMMIT} -X example.com/svc/internal/buildinfo.BuildDate=${BUILD_DATE} '
      + '-X example.com/svc/internal/buildinfo.Channel=stable -X example.com/lib/v2/meta.Vendor=acme.example/team=a';
    expect(df).toContain(`-ldflags "-s -w ${x}" \\\n    -o /out/app .`);
    expect(df).toContain(`-ldflags "${x}" \\\n    -o /tmp/app.symbols .`);
    // The date is computed in the build from the build argument, before both links.
    expect(df).toMatch(/^ARG SOURCE_DATE_EPOCH=1700000000\n(.*\n)*RUN .*\n.*\n\s+BUILD_DATE="\$\(date -u -d "@\$\{SOURCE_DATE_EPOCH\}" \+%Y-%m-%dT%H:%M:%SZ\)" \\\n\s+&& \\\n\s+GOOS=/m);
    for (const [prop, variable] of [
      ['buildDateVariable', 'example.com/svc/internal/buildinfo.BuildDate'],
      ['stamp.example.com/svc/internal/buildinfo.Channel', 'example.com/svc/internal/buildinfo.Channel'],
      ['stamp.example.com/lib/v2/meta.Vendor', 'example.com/lib/v2/meta.Vendor'],
    ]) {
      expect(df).toContain(`grep -Eq ' D ${variable.replace(/\./g, '\\.')}$' /tmp/symbols || { echo "golden-go: ${prop} ${variable}: no package-level string variable`);
    }
    // buildah now consumes SOURCE_DATE_EPOCH (no "unused build argument" warning); buildx always gets it.
    expect(r.buildahCommand).toEqual(expect.arrayContaining(['--build-arg', 'SOURCE_DATE_EPOCH=1700000000']));
    expect(r.buildxCommand).toEqual(expect.arrayContaining(['--build-arg', 'SOURCE_DATE_EPOCH=1700000000']));
  });

  test('without buildDateVariable the Dockerfile does not read SOURCE_DATE_EPOCH, so buildah is not passed it (--timestamp sets the times)', () => {
    const r = render({ sourceDateEpoch: 1700000000 });
    expect(r.dockerfile).not.toContain('SOURCE_DATE_EPOCH');
    expect(r.buildahCommand.filter((a) => a.startsWith('SOURCE_DATE_EPOCH='))).toEqual([]);
    expect(r.buildahCommand).toEqual(expect.arrayContaining(['--timestamp', '1700000000']));
    expect(r.buildxCommand).toEqual(expect.arrayContaining(['--build-arg', 'SOURCE_DATE_EPOCH=1700000000']));
  });

  test.each([
    [{ stamp: { 'main.version': '1' } }, /^stamp\.main\.version: "main\.version" is not valid; allowed: a variable no other prop stamps \(versionVariable already sets main\.version\)/],
    [{ buildDateVariable: 'main.commit' }, /^buildDateVariable: "main\.commit" is not valid; allowed: a variable no other prop stamps \(commitVariable already sets main\.commit\)/],
    [{ stamp: { Version: '1' } }, /^stamp: "Version" is not valid; allowed: an import path and variable name/],
    [{ buildDateVariable: 'date' }, /^buildDateVariable: "date" is not valid; allowed: an import path and variable name/],
    [{ stamp: { 'main.channel': 'two words' } }, /^stamp\.main\.channel: "two words" is not valid; allowed: letters, digits/],
  ] as Array<[Partial<HardenedGoImageProps>, RegExp]>)('stamp errors name the prop: %j', (props, error) => {
    expect(() => render(props)).toThrow(error);
  });

  test('source date epoch, version and commit flow into build args and commands', () => {
    const r = render({ sourceDateEpoch: 1700000000, version: '1.2.3', commit: 'abc123', imageName: 'registry.example.com/acme/svc', context: 'services/svc', dockerfileDir: 'dist/svc' });
    expect(r.buildArgs).toMatchObject({ VERSION: '1.2.3', COMMIT: 'abc123', SOURCE_DATE_EPOCH: '1700000000', CREATED: '2023-11-14T22:13:20Z' });
    expect(r.buildahCommand.slice(0, 6)).toEqual(['buildah', 'bud', '--file', 'dist/svc/Dockerfile', '--ignorefile', 'dist/svc/.dockerignore']);
    expect(r.buildahCommand.slice(-3)).toEqual(['--tag', 'registry.example.com/acme/svc:1.2.3', 'services/svc']);
    expect(r.buildxCommand).toEqual(expect.arrayContaining(['--output', 'type=image,name=registry.example.com/acme/svc:1.2.3,push=true,rewrite-timestamp=true']));
  });

  test('a missing sourceUrl is a B17 warning', () => {
    expect(GoImageRenderer.render({ name: 'svc' }).warnings).toEqual([expect.stringMatching(/^\[B17\] sourceUrl: not set/)]);
  });
});

describe('render-time errors name the rule and the prop', () => {
  test.each<[string, Partial<HardenedGoImageProps>, RegExp]>([
    ['cgo with a static base', { cgo: true }, /^\[B02\] cgo: cgo links against glibc of docker\.io\/library\/golang:1\.26-trixie@\S+, but the runtime base gcr\.io\/distroless\/static-debian13:nonroot@\S+ has no C library/],
    ['cgo with scratch', { cgo: true, runtimeImage: BaseImage.scratch() }, /^\[B02\] cgo: .*scratch has no C library/],
    ['cgo: musl builder, glibc runtime', { cgo: true, builderImage: BuilderImage.golang({ variant: GolangVariant.ALPINE }), runtimeImage: BaseImage.distrolessBase() }, /^\[B02\] runtimeImage: cgo binary built against musl/],
    ['cgo: newer glibc builder than runtime', { cgo: true, runtimeImage: BaseImage.distrolessBase({ debian: DebianRelease.BOOKWORM }) }, /^\[B02\] runtimeImage: builder .* has glibc 2\.41, newer than 2\.36/],
    ['GONOSUMDB=*', { goNoSumDb: ['*'] }, /^\[B06\] goNoSumDb: GONOSUMDB=\* matches every module \("\*"\)/],
    ['GOPRIVATE=*', { goPrivate: ['*'] }, /^\[B06\] goPrivate: GOPRIVATE=\* matches every module \("\*"\)/],
    ['GOSUMDB=off', { goSumDb: 'off' }, /^\[B06\] goSumDb: GOSUMDB=off switches off tamper detection/],
    ['GONOSUMDB through goEnv', { goEnv: { GONOSUMDB: '*' } }, /^\[B06\] goEnv\.GONOSUMDB: GONOSUMDB=\* may not be set through goEnv/],
    ['GOINSECURE through goEnv', { goEnv: { GOINSECURE: 'example.com' } }, /^\[B06\] goEnv\.GOINSECURE/],
    ['GOFLAGS through goEnv', { goEnv: { GOFLAGS: '-mod=mod' } }, /^\[B07\] goEnv\.GOFLAGS/],
    ['CGO_ENABLED through goEnv', { goEnv: { CGO_ENABLED: '1' } }, /^\[B01\] goEnv\.CGO_ENABLED/],
    ['shell-form entrypoint', { entrypoint: ['/app serve --port 8080'] }, /^\[B14\] entrypoint: ENTRYPOINT "\/app serve --port 8080" is a shell-form command line/],
    ['sh -c wrapper', { entrypoint: ['/bin/sh', '-c', '/app'] }, /^\[B14\] entrypoint: ENTRYPOINT \["\/bin\/sh","-c","\/app"\] wraps the service in a shell/],
    ['entrypoint that is not the binary', { entrypoint: ['/usr/bin/tini', '--', '/app'] }, /^\[B14\] entrypoint: ENTRYPOINT must start with the service binary \/app/],
    ['shell-form command', { command: ['serve --port 8080'] }, /^\[B14\] command: CMD "serve --port 8080" is a shell-form command line/],
    ['wget healthcheck on distroless', { healthCheck: ImageHealthCheck.fromCommand(['wget', '-qO-', 'http://localhost:8080/healthz']) }, /^\[B16\] healthCheck: HEALTHCHECK wget needs wget, which "gcr\.io\/distroless\/static-debian13:nonroot@\S+" does not have/],
    ['curl healthcheck on scratch', { runtimeImage: BaseImage.scratch(), healthCheck: ImageHealthCheck.fromCommand(['/usr/bin/curl', '-f', 'http://localhost/']) }, /^\[B16\] healthCheck: HEALTHCHECK curl needs curl, which "scratch" does not have/],
    ['shell healthcheck', { healthCheck: ImageHealthCheck.fromCommand(['sh', '-c', '/app healthcheck']) }, /^\[B16\] healthCheck: HEALTHCHECK sh needs sh, which "gcr\.io\/distroless\/static-debian13:nonroot@\S+" does not have/],
    ['shell-form healthcheck', { healthCheck: ImageHealthCheck.fromCommand(['/app healthcheck']) }, /^\[B16\] healthCheck: HEALTHCHECK in shell form needs a shell, which "gcr\.io\/distroless\/static-debian13:nonroot@\S+" does not have/],
    ['healthcheck binary missing from distroless', { healthCheck: ImageHealthCheck.fromCommand(['/bin/grpc_health_probe']) }, /^\[B16\] healthCheck: HEALTHCHECK \/bin\/grpc_health_probe is not in the image/],
    ['dockerignore excluding go.sum', { dockerignore: ['*.sum'] }, /^\[B04\] dockerignore: "\*\.sum" excludes go\.sum/],
    ['dockerignore excluding both module files', { dockerignore: ['go.*'] }, /^\[B04\] dockerignore: "go\.\*" excludes go\.mod and go\.sum/],
    ['Go version disagreeing with the builder', { goVersion: '1.25', builderImage: BuilderImage.golang({ goVersion: '1.26.8' }) }, /^\[B18\] goVersion: declares Go 1\.25 but builder docker\.io\/library\/golang:1\.26\.8-trixie ships Go 1\.26\.8/],
  ])('%s', (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });

  test.each<[Partial<HardenedGoImageProps>, RegExp]>([
    [{ name: 'My Service' }, /^name: "My Service" is not valid; allowed: lower-case letters/],
    [{ goVersion: 'go1.26' }, /^goVersion: "go1\.26" is not valid; allowed: a Go release such as "1\.26"/],
    [{ platforms: ['windows/amd64'] }, /^platforms: "windows\/amd64" is not valid; allowed: linux\/amd64, linux\/arm64/],
    [{ platforms: [] }, /^platforms: \[\] is not valid/],
    [{ platforms: ['linux/amd64', 'linux/amd64'] }, /^platforms: .* each platform once/],
    [{ mainPackage: '/abs/path' }, /^mainPackage: "\/abs\/path" is not valid; allowed: a relative package path/],
    [{ mainPackage: './../other' }, /^mainPackage: /],
    [{ goProxy: 'goproxy.cn' }, /^goProxy: "goproxy\.cn" is not valid; allowed: a comma- or pipe-separated list of proxy URLs/],
    [{ goPrivate: ['github.com/acme/*,github.com/other/*'] }, /^goPrivate: .*\(no commas or spaces: give one pattern per entry\)/],
    [{ sourceDateEpoch: -1 }, /^sourceDateEpoch: -1 is not valid; allowed: whole seconds since 1970-01-01/],
    [{ sourceDateEpoch: 1.5 }, /^sourceDateEpoch: 1\.5 is not valid/],
    [{ sourceUrl: 'git@github.com:acme/svc' }, /^sourceUrl: .* an http\(s\) URL/],
    [{ version: 'v1 beta' }, /^version: "v1 beta" is not valid/],
    [{ buildTags: ['a b'] }, /^buildTags: "a b" is not valid/],
    [{ versionVariable: 'version' }, /^versionVariable: "version" is not valid; allowed: an import path and variable name/],
    [{ goEnv: { lower: 'x' } }, /^goEnv\.lower: "lower" is not valid; allowed: upper-case environment variable names/],
    [{ goEnv: { GOEXPERIMENT: '$(id)' } }, /^goEnv\.GOEXPERIMENT: "\$\(id\)" is not valid/],
    [{ entrypoint: [] }, /^entrypoint: \[\] is not valid; allowed: an exec-form array starting with \/app/],
  ])('%p is rejected with the prop and the allowed values', (props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});

describe('snapshots of the full Dockerfile for the main variants', () => {
  test.each<[string, Partial<HardenedGoImageProps>]>([
    ['distroless static (default)', {}],
    ['scratch with healthcheck', { runtimeImage: BaseImage.scratch(), healthCheck: ImageHealthCheck.fromSubcommand('healthcheck') }],
    ['cgo on distroless base', { cgo: true, runtimeImage: BaseImage.distrolessBase() }],
    ['private modules', { goPrivate: ['github.com/acme/*'], goProxy: 'https://athens.acme.internal,direct' }],
    ['declared self-check', { selfCheck: SelfCheck.run(['version']) }],
  ])('%s', (_name, props) => {
    expect(render(props).dockerfile).toMatchSnapshot();
  });
});
