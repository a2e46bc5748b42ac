import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { GoldenAnnotations, GoMicroservice, GoSbom, HardenedGoImage, ImageReference, ImageSignaturePolicy, ImageSigner, PolicyEngine, PolicyMode, SignatureFormat } from '../src';
import { PreflightError, publish, Runner } from '../src/publish/publish';

const DIGEST = `sha256:${'5e'.repeat(32)}`;
const COSIGN_VERSION = 'GitVersion:    v3.1.3\nGitCommit:     unknown\n';
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n-----END PUBLIC KEY-----';
const KEYLESS = ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main');

const BUILD_INFO = [
  '/tmp/app: go1.26.8',
  '\tpath\tgithub.com/acme/orders/cmd/orders',
  '\tmod\tgithub.com/acme/orders\t(devel)\t',
  '\tdep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=',
  '\tdep\tgolang.org/x/sync\tv0.9.0\th1:fEo0HyrW1GIgZdpbhCRO0PkJajUS5H9IFUztCgEo2jQ=',
  '\tbuild\t-trimpath=true',
  '\tbuild\tCGO_ENABLED=0',
  '\tbuild\tGOOS=linux',
  '',
].join('\n');

/** Matches an image reference against a policy glob; `*` spans any characters (Kyverno) — a stricter engine only narrows it. */
const globMatches = (glob: string, ref: string) => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(ref);

describe('SPDX SBOM from the Go build info', () => {
  const sbom = JSON.parse(GoSbom.fromBuildInfo(BUILD_INFO, { name: 'registry.example.com/acme/orders', version: '1.4.2', sourceDateEpoch: 1700000000, imageDigest: DIGEST }));

  test('lists the main module with its version, the standard library and every dependency', () => {
    expect(sbom.spdxVersion).toBe('SPDX-2.3');
    expect(sbom.creationInfo.created).toBe('2023-11-14T22:13:20Z');
    const pkgs = sbom.packages.map((p: any) => [p.name, p.versionInfo, p.externalRefs[0].referenceLocator]);
    expect(pkgs).toEqual([
      ['github.com/acme/orders', '1.4.2', 'pkg:golang/github.com/acme/orders@1.4.2'],
      ['stdlib', 'go1.26.8', 'pkg:golang/stdlib@go1.26.8'],
      ['github.com/google/uuid', 'v1.6.0', 'pkg:golang/github.com/google/uuid@v1.6.0'],
      ['golang.org/x/sync', 'v0.9.0', 'pkg:golang/golang.org/x/sync@v0.9.0'],
    ]);
    expect(sbom.packages[2].checksums[0]).toEqual({ algorithm: 'SHA256', checksumValue: '348bda24330eb231c0f27d630212d2833ac0cf2d4782bfa136b6f9edefbde05d' });
    expect(sbom.documentDescribes).toEqual([sbom.packages[0].SPDXID]);
    expect(sbom.relationships.filter((r: any) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(3);
    expect(sbom.packages[0].annotations[0].comment).toBe('go build settings: -trimpath=true CGO_ENABLED=0 GOOS=linux');
  });

  test('is deterministic and rejects other input', () => {
    const again = GoSbom.fromBuildInfo(BUILD_INFO, { name: 'registry.example.com/acme/orders', version: '1.4.2', sourceDateEpoch: 1700000000, imageDigest: DIGEST });
    expect(JSON.parse(again)).toEqual(sbom);
    expect(() => GoSbom.fromBuildInfo('hello', { name: 'x' })).toThrow(/not the output of `go version -m`/);
    expect(() => GoSbom.fromBuildInfo('/app: go1.26.8\n\tpath\tcmd\n', { name: 'x' })).toThrow(/no "mod" line/);
  });
});

describe('ImageSignaturePolicy', () => {
  function policies(props: Partial<ConstructorParameters<typeof ImageSignaturePolicy>[2]> = {}) {
    const chart = Testing.chart();
    const p = new ImageSignaturePolicy(chart, 'policy', { repository: 'registry.example.com/acme/orders', signer: KEYLESS, ...props });
    return { p, manifests: Testing.synth(chart) };
  }

  test('Kyverno ImageValidatingPolicy and sigstore ClusterImagePolicy by default, enforcing', () => {
    const { manifests } = policies();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual(['policies.kyverno.io/v1 ImageValidatingPolicy', 'policy.sigstore.dev/v1beta1 ClusterImagePolicy']);
    const [ivp, cip] = manifests;
    expect(ivp.spec.validationActions).toEqual(['Deny']);
    expect(ivp.spec.matchImageReferences).toEqual([{ glob: 'registry.example.com/acme/orders:*' }, { glob: 'registry.example.com/acme/orders@*' }]);
    expect(ivp.spec.attestors[0].cosign.keyless.identities).toEqual([{ issuer: KEYLESS.issuer, subject: KEYLESS.subject }]);
    expect(ivp.spec.validations[0].expression).toContain('verifyImageSignatures(image, [attestors.golden])');
    expect(cip.spec.mode).toBe('enforce');
    expect(cip.spec.authorities[0].keyless.identities).toEqual([{ issuer: KEYLESS.issuer, subject: KEYLESS.subject }]);
    // publish signs cosign v3 bundles by default: the policy-controller must look for bundles, not the .sig tag.
    expect(cip.spec.authorities.map((a: any) => [a.name, a.signatureFormat])).toEqual([['golden', 'bundle']]);
  });

  test('signature format: each engine verifies the layout publish wrote, or is refused at synth', () => {
    const byKind = (manifests: any[], k: string) => manifests.find((m) => m.kind === k);
    const legacy = policies({
      signer: ImageSigner.publicKey(PEM),
      signatureFormat: SignatureFormat.LEGACY,
      requireTransparencyLog: false,
      engines: [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY, PolicyEngine.SIGSTORE, PolicyEngine.GATEKEEPER_RATIFY],
    }).manifests;
    expect(byKind(legacy, 'ClusterImagePolicy').spec.authorities).toEqual([{ name: 'golden', key: { data: `${PEM}\n`, hashAlgorithm: 'sha256' }, signatureFormat: 'legacy' }]);
    expect(byKind(legacy, 'ClusterPolicy').spec.rules[0].verifyImages[0].type).toBe('Cosign');
    expect(byKind(legacy, 'Verifier').spec.artifactTypes).toBe('application/vnd.dev.cosign.artifact.sig.v1+json');

    const kyverno = [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY];
    const bundle = policies({ signer: ImageSigner.publicKey(PEM), requireTransparencyLog: false, engines: kyverno }).manifests;
    const rule = byKind(bundle, 'ClusterPolicy').spec.rules[0].verifyImages[0];
    expect(rule.type).toBe('SigstoreBundle');
    // Without Rekor a key signature has no observer timestamp: Kyverno's bundle verifier must not ask for one.
    expect(rule.attestors[0].entries[0].keys).toEqual({ publicKeys: `${PEM}\n`, rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } });
    // Kyverno's ImageValidatingPolicy finds bundles or legacy signatures itself: the same attestor for both.
    expect(byKind(bundle, 'ImageValidatingPolicy').spec.attestors).toEqual(byKind(legacy, 'ImageValidatingPolicy').spec.attestors);

    const both = SignatureFormat.BUNDLE_AND_LEGACY;
    const migrating = policies({ signatureFormat: both, engines: [PolicyEngine.SIGSTORE, PolicyEngine.KYVERNO] }).manifests;
    expect(byKind(migrating, 'ClusterImagePolicy').spec.authorities.map((a: any) => [a.name, a.signatureFormat, a.keyless.identities[0].subject]))
      .toEqual([['golden-bundle', 'bundle', KEYLESS.subject], ['golden-legacy', 'legacy', KEYLESS.subject]]);

    expect(() => policies({ engines: [PolicyEngine.GATEKEEPER_RATIFY] })).toThrow(/^signatureFormat: "bundle" cannot be verified by PolicyEngine\.GATEKEEPER_RATIFY: Ratify v1's cosign verifier reads only the legacy \.sig layout/);
    expect(() => policies({ signer: ImageSigner.publicKey(PEM) })).toThrow(/^signatureFormat: "bundle" cannot be verified by PolicyEngine\.SIGSTORE with a key: the policy-controller \(v0\.15\) verifies Sigstore bundles only for keyless/);
    expect(() => policies({ signer: ImageSigner.publicKey(PEM), signatureFormat: SignatureFormat.BUNDLE_AND_LEGACY, engines: [PolicyEngine.SIGSTORE] })).toThrow(/PolicyEngine\.SIGSTORE with a key/);
    expect(() => policies({ signatureFormat: SignatureFormat.BUNDLE_AND_LEGACY, engines: [PolicyEngine.KYVERNO_CLUSTER_POLICY] })).toThrow(/^signatureFormat: "bundle\+legacy" cannot be verified by PolicyEngine\.KYVERNO_CLUSTER_POLICY: a verifyImages rule checks one layout/);
    expect(() => policies({ signatureFormat: 'cosign-v2' as SignatureFormat })).toThrow(/^signatureFormat: "cosign-v2" is not valid; allowed: bundle, legacy, bundle\+legacy$/);
  });

  test('key-based, audit mode, legacy ClusterPolicy on request, opt-in namespaces, no transparency log', () => {
    const { manifests } = policies({
      signer: ImageSigner.publicKey(PEM),
      signatureFormat: SignatureFormat.LEGACY,
      mode: PolicyMode.AUDIT,
      requireTransparencyLog: false,
      engines: [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY, PolicyEngine.SIGSTORE],
      optInNamespaces: ['shop'],
    });
    const byKind = (k: string) => manifests.find((m) => m.kind === k);
    expect(byKind('ImageValidatingPolicy').spec.validationActions).toEqual(['Audit']);
    expect(byKind('ImageValidatingPolicy').spec.attestors[0].cosign).toEqual({ key: { data: `${PEM}\n` }, ctlog: { insecureIgnoreTlog: true } });
    expect(byKind('ClusterPolicy').spec.rules[0].verifyImages[0]).toMatchObject({ failureAction: 'Audit', imageReferences: ['registry.example.com/acme/orders:*', 'registry.example.com/acme/orders@*'] });
    expect(byKind('ClusterImagePolicy').spec).toMatchObject({ mode: 'warn', authorities: [{ name: 'golden', key: { data: `${PEM}\n`, hashAlgorithm: 'sha256' } }] });
    expect(byKind('Namespace').metadata).toEqual({ name: 'shop', labels: { 'policy.sigstore.dev/include': 'true' } });
  });

  test('Gatekeeper + Ratify: one ConstraintTemplate per app, a constraint per repository, Ratify cosign verifier and key provider', () => {
    const chart = Testing.chart();
    const legacy = SignatureFormat.LEGACY;
    new ImageSignaturePolicy(chart, 'a', { repository: 'registry.example.com/acme/orders', signer: ImageSigner.publicKey(PEM), engines: [PolicyEngine.GATEKEEPER_RATIFY], requireTransparencyLog: false, signatureFormat: legacy });
    new ImageSignaturePolicy(chart, 'b', { repository: 'registry.example.com/acme/billing', signer: KEYLESS, engines: [PolicyEngine.GATEKEEPER_RATIFY], mode: PolicyMode.AUDIT, signatureFormat: legacy });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((m) => m.kind === 'ConstraintTemplate')).toHaveLength(1);
    const constraints = manifests.filter((m) => m.kind === 'GoldenGoSignedImages');
    expect(constraints.map((c) => [c.apiVersion, c.spec.enforcementAction, c.spec.parameters.repositories])).toEqual([
      ['constraints.gatekeeper.sh/v1beta1', 'deny', ['registry.example.com/acme/orders']],
      ['constraints.gatekeeper.sh/v1beta1', 'dryrun', ['registry.example.com/acme/billing']],
    ]);
    const [keyVerifier, keylessVerifier] = manifests.filter((m) => m.kind === 'Verifier').map((v) => v.spec.parameters.trustPolicies[0]);
    const kmp = manifests.find((m) => m.kind === 'KeyManagementProvider');
    expect(kmp.spec).toEqual({ type: 'inline', parameters: { contentType: 'key', value: `${PEM}\n` } });
    expect(keyVerifier).toEqual({ name: 'golden', version: '1.0.0', scopes: ['registry.example.com/acme/orders'], keys: [{ provider: kmp.metadata.name }], tLogVerify: false });
    expect(keylessVerifier.keyless).toEqual({ certificateIdentity: KEYLESS.subject, certificateOIDCIssuer: KEYLESS.issuer });
    expect(keylessVerifier.tLogVerify).toBe(true);
  });

  test('globs match the service image and not a foreign one', () => {
    const { p } = policies();
    const ours = [`registry.example.com/acme/orders:1.4.2@${DIGEST}`, `registry.example.com/acme/orders@${DIGEST}`, 'registry.example.com/acme/orders:1.4.2'];
    const foreign = [`registry.example.com/acme/orders-evil:1.0@${DIGEST}`, `registry.example.com/acme/ordersx@${DIGEST}`, `evil.example.com/acme/orders:1@${DIGEST}`,
      `registry.example.com/acme/orders/sub:1@${DIGEST}`];
    for (const ref of ours) expect(p.imageGlobs.some((g) => globMatches(g, ref))).toBe(true);
    for (const ref of foreign) expect(p.imageGlobs.some((g) => globMatches(g, ref) && !ref.slice(g.length - 1).includes('/'))).toBe(false);
  });

  test('forService: the policy and the pod annotations agree on repository and identity (R14)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const svc = new GoMicroservice(chart, 'orders', { image: ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.4.2'), signer: KEYLESS });
    ImageSignaturePolicy.forService(chart, 'policy', svc);
    const manifests = Testing.synth(chart);
    const pod = manifests.find((m) => m.kind === 'Deployment').spec.template;
    const ivp = manifests.find((m) => m.kind === 'ImageValidatingPolicy');
    const identity = ivp.spec.attestors[0].cosign.keyless.identities[0];
    expect(pod.metadata.annotations[GoldenAnnotations.SIGNER]).toBe(`keyless ${identity.issuer} ${identity.subject}`);
    expect(pod.metadata.annotations[GoldenAnnotations.IMAGE_REPOSITORY]).toBe(ivp.spec.matchImageReferences[0].glob.replace(/:\*$/, ''));
    expect(ivp.spec.matchImageReferences.some((g: any) => globMatches(g.glob, pod.spec.containers[0].image))).toBe(true);
    expect(manifests.find((m) => m.kind === 'Namespace').metadata.name).toBe('shop');
  });

  test('forService: a long namespace and service name still give a Gatekeeper-valid name, distinct per service', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'payments-settlement-reconciliation' });
    const image = ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.4.2');
    const names = ['ledger-entries-export-worker', 'ledger-entries-export-worker-b'].map((name) => {
      const svc = new GoMicroservice(chart, name, { image, signer: KEYLESS });
      ImageSignaturePolicy.forService(chart, `${name}-policy`, svc, { engines: [PolicyEngine.GATEKEEPER_RATIFY], signatureFormat: SignatureFormat.LEGACY });
      return name;
    });
    const constraints = Testing.synth(chart).filter((m) => m.kind === 'GoldenGoSignedImages').map((m) => m.metadata.name);
    expect(constraints).toHaveLength(names.length);
    expect(new Set(constraints).size).toBe(names.length);
    for (const n of constraints) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(/^payments-settlement-reconciliation-ledger-entries-[a-z0-9-]*-[0-9a-f]{8}$/);
    }
  });

  test('errors', () => {
    const chart = Testing.chart();
    expect(() => new ImageSignaturePolicy(chart, 'g', { repository: 'registry.example.com/acme/orders', signer: KEYLESS, engines: [PolicyEngine.GATEKEEPER_RATIFY], signatureFormat: SignatureFormat.LEGACY, name: `x${'-y'.repeat(40)}` }))
      .toThrow(/^name: .* is not valid; allowed: at most 63 characters with PolicyEngine\.GATEKEEPER_RATIFY/);
    expect(() => new ImageSignaturePolicy(chart, 'a', { repository: 'registry.example.com/acme/orders:1.0', signer: KEYLESS })).toThrow(/^repository: "registry\.example\.com\/acme\/orders:1\.0" is not valid; allowed: an image repository without tag or digest/);
    expect(() => new ImageSignaturePolicy(chart, 'b', { repository: 'registry.example.com/acme/orders', signer: KEYLESS, engines: [] })).toThrow(/^engines: \[\] is not valid/);
    const svc = new GoMicroservice(chart, 'orders', { image: ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST), namespace: 'shop' });
    expect(() => ImageSignaturePolicy.forService(chart, 'c', svc)).toThrow(/^signer: GoMicroservice test\/orders records no signer/);
  });
});

describe('the image pipeline (golden-go publish)', () => {
  /** image.json and the Dockerfile in a temp dir, and a build context holding a go.mod (the preflight checks both). */
  function fixture(): { dir: string; imageJson: string; context: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-publish-test-'));
    const context = path.join(dir, 'services', 'orders');
    fs.mkdirSync(context, { recursive: true });
    fs.writeFileSync(path.join(context, 'go.mod'), 'module example.com/orders\n\ngo 1.26\n');
    const img = new HardenedGoImage(Testing.chart(), 'img', { name: 'orders', imageName: 'registry.example.com/acme/orders', version: '1.4.2', sourceDateEpoch: 1700000000, context, dockerfileDir: dir });
    img.writeFiles(dir);
    return { dir, imageJson: path.join(dir, 'image.json'), context };
  }

  /**
   * A runner that records every command and answers like the tools would; `absent` tools fail as if not on
   * PATH. The preflight's registry probe (node -e …) is recorded as `probe <url>` and answers 401, as a registry before login.
   */
  function recorder(calls: string[][], absent: string[] = []): Runner {
    return (cmd, args, env) => {
      if (cmd === process.execPath && args[0] === '-e') {
        calls.push(['probe', args[2]]);
        return 'status 401';
      }
      calls.push([cmd, ...args, ...(env && Object.keys(env).length ? [`env:${Object.keys(env).sort().join(',')}`] : [])]);
      if (absent.includes(cmd)) throw new Error(`${cmd}: spawnSync ${cmd} ENOENT`);
      if (cmd === 'cosign' && args[0] === 'version') return COSIGN_VERSION;
      if (cmd === 'syft' && args[0] === 'version') return 'Application:   syft\nVersion:       1.57.2\n';
      if (cmd === 'podman' && args[0] === 'push') fs.writeFileSync(args[args.indexOf('--digestfile') + 1], DIGEST);
      if (cmd === 'podman' && args[0] === 'create') return 'ctr123\n';
      if (cmd === 'docker' && args[1] === 'build') fs.writeFileSync(args[args.indexOf('--metadata-file') + 1], JSON.stringify({ 'containerimage.digest': DIGEST }));
      if (cmd === 'docker' && args[0] === 'create') return 'ctr\n';
      if (cmd === 'go') return BUILD_INFO;
      return '';
    };
  }
  const keyed = (dir: string, imageJson: string) => ({
    imageJson,
    engine: 'buildah' as const,
    repository: '127.0.0.1:5000/acme/orders',
    key: 'cosign.key',
    buildArgs: { GOPROXY: 'off', BUILDER_IMAGE: 'localhost/golang:1.26' },
    insecureRegistry: true,
    transparencyLog: false,
    record: path.join(dir, 'image.lock.json'),
    sbom: path.join(dir, 'sbom.spdx.json'),
    go: 'go',
  });
  const PINNED = `127.0.0.1:5000/acme/orders@${DIGEST}`;
  /** What the preflight asks of the tools (buildah engine, plain-HTTP loopback registry), before anything is built. */
  const PREFLIGHT = ['buildah version', 'podman version', 'cosign version', 'syft version', 'probe http://127.0.0.1:5000/v2/'];
  const command = (calls: string[][], name: string) => calls.find((c) => c.slice(0, 2).join(' ') === name)!;
  const LOCAL = ['--key', 'cosign.key', '--tlog-upload=false', '--allow-http-registry', '--allow-insecure-registry', '--yes'];

  test('buildah: build, push, syft SBOMs, attest, sign (Sigstore bundles) and record, with the exact commands', () => {
    const { dir, imageJson } = fixture();
    const calls: string[][] = [];
    const record = publish(keyed(dir, imageJson), recorder(calls));
    expect(record).toEqual({
      repository: '127.0.0.1:5000/acme/orders',
      tag: '1.4.2',
      digest: DIGEST,
      sbom: 'sbom.spdx.json',
      cyclonedx: 'sbom.cdx.json',
      sbomTool: 'syft 1.57.2',
      signature: 'key',
      signatureFormat: 'bundle',
      // Where a reader finds what was signed and attested (the local registry has no referrers API: the tag).
      signatureLocations: [`referrers of ${PINNED} (or the tag 127.0.0.1:5000/acme/orders:${DIGEST.replace(':', '-')} without the referrers API)`],
      attestations: ['spdxjson', 'cyclonedx'],
    });
    expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual([...PREFLIGHT, 'buildah bud', 'podman push', 'syft scan', 'cosign attest', 'cosign attest', 'cosign sign']);
    const bud = command(calls, 'buildah bud');
    expect(bud).toEqual(expect.arrayContaining(['--build-arg', 'GOPROXY=off', '--build-arg', 'BUILDER_IMAGE=localhost/golang:1.26', '--tag', '127.0.0.1:5000/acme/orders:1.4.2', '--timestamp', '1700000000']));
    expect(bud[bud.length - 1]).toBe(path.join(dir, 'services', 'orders'));
    // syft reads the pushed digest from the registry (plain HTTP here): the SBOM describes exactly what was signed.
    expect(command(calls, 'syft scan')).toEqual(['syft', 'scan', `registry:${PINNED}`, '-q', '-o', `spdx-json@2.3=${path.join(dir, 'sbom.spdx.json')}`, '-o', `cyclonedx-json@1.6=${path.join(dir, 'sbom.cdx.json')}`,
      'env:SYFT_REGISTRY_INSECURE_SKIP_TLS_VERIFY,SYFT_REGISTRY_INSECURE_USE_HTTP']);
    // No Rekor: cosign v3 refuses --tlog-upload=false with its TUF signing config, so that is off too.
    const cosign = calls.filter((c) => c[0] === 'cosign' && c[1] !== 'version');
    expect(cosign[0]).toEqual(['cosign', 'attest', '--use-signing-config=false', ...LOCAL, '--type', 'spdxjson', '--predicate', path.join(dir, 'sbom.spdx.json'), PINNED]);
    expect(cosign[1]).toEqual(['cosign', 'attest', '--use-signing-config=false', ...LOCAL, '--type', 'cyclonedx', '--predicate', path.join(dir, 'sbom.cdx.json'), PINNED]);
    expect(cosign[2]).toEqual(['cosign', 'sign', '--use-signing-config=false', ...LOCAL, PINNED]);
    // The manifests pin exactly the recorded digest.
    expect(ImageReference.fromBuildRecord(path.join(dir, 'image.lock.json')).toString()).toBe(`127.0.0.1:5000/acme/orders:1.4.2@${DIGEST}`);
  });

  test('legacy layout, and both layouts for a migration: the same attestations and signature per layout', () => {
    const { dir, imageJson } = fixture();
    const legacy: string[][] = [];
    const legacyRecord = publish({ ...keyed(dir, imageJson), signatureFormat: SignatureFormat.LEGACY }, recorder(legacy));
    expect(legacyRecord.signatureFormat).toBe('legacy');
    const tag = `127.0.0.1:5000/acme/orders:${DIGEST.replace(':', '-')}`;
    expect(legacyRecord.signatureLocations).toEqual([`${tag}.sig`, `${tag}.att`]);
    const LEGACY = ['--new-bundle-format=false', '--use-signing-config=false'];
    expect(legacy.filter((c) => c[0] === 'cosign' && c[1] !== 'version')).toEqual([
      ['cosign', 'attest', ...LEGACY, ...LOCAL, '--type', 'spdxjson', '--predicate', path.join(dir, 'sbom.spdx.json'), PINNED],
      ['cosign', 'attest', ...LEGACY, ...LOCAL, '--type', 'cyclonedx', '--predicate', path.join(dir, 'sbom.cdx.json'), PINNED],
      ['cosign', 'sign', ...LEGACY, ...LOCAL, PINNED],
    ]);
    const both: string[][] = [];
    const bothRecord = publish({ ...keyed(dir, imageJson), signatureFormat: SignatureFormat.BUNDLE_AND_LEGACY }, recorder(both));
    expect(bothRecord.signatureFormat).toBe('bundle+legacy');
    expect(bothRecord.signatureLocations).toEqual([expect.stringMatching(/^referrers of /), `${tag}.sig`, `${tag}.att`]);
    expect(both.filter((c) => c[0] === 'cosign' && c[1] !== 'version').map((c) => `${c[1]} ${c[2]} ${c.includes('--type') ? c[c.indexOf('--type') + 1] : ''}`.trim())).toEqual([
      'attest --use-signing-config=false spdxjson', 'attest --use-signing-config=false cyclonedx', 'sign --use-signing-config=false',
      'attest --new-bundle-format=false spdxjson', 'attest --new-bundle-format=false cyclonedx', 'sign --new-bundle-format=false',
    ]);
    expect(() => publish({ ...keyed(dir, imageJson), signatureFormat: 'v2' as SignatureFormat }, recorder([]))).toThrow(/^signatureFormat: "v2" is not valid; allowed: bundle, legacy, bundle\+legacy$/);
  });

  test('cosign v2 is refused before anything is built', () => {
    const { dir, imageJson } = fixture();
    const calls: string[][] = [];
    const v2: Runner = (cmd, args, env) => (cmd === 'cosign' && args[0] === 'version' ? (calls.push([cmd, ...args]), 'GitVersion:    v2.6.5\n') : recorder(calls)(cmd, args, env));
    expect(() => publish(keyed(dir, imageJson), v2)).toThrow(PreflightError);
    expect(() => publish(keyed(dir, imageJson), v2))
      .toThrow(/^preflight failed, nothing was built \(1 problem\):\n {2}- publish needs cosign v3 \(scripts\/install-tools\.sh installs it\); `cosign version` says: GitVersion: {4}v2\.6\.5$/);
    expect(calls.map((c) => c.slice(0, 2).join(' ')).filter((c) => !PREFLIGHT.includes(c))).toEqual([]);
  });

  test('without syft: a loud warning and the Go-modules-only SBOM from go version -m; with CI=true an error', () => {
    const { dir, imageJson } = fixture();
    const ci = process.env.CI;
    try {
      delete process.env.CI;
      const calls: string[][] = [];
      const logs: string[] = [];
      const record = publish(keyed(dir, imageJson), recorder(calls, ['syft']), (s) => logs.push(s));
      expect(record).toMatchObject({ sbom: 'sbom.spdx.json', sbomTool: 'go version -m' });
      expect(record.cyclonedx).toBeUndefined();
      expect(logs).toContainEqual(expect.stringMatching(/^######## WARNING: syft \(syft\) is not usable: syft: spawnSync syft ENOENT: the SBOM lists the binary's Go modules only/));
      // The fallback reads the binary with the Go toolchain, so the preflight checks that too.
      expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['buildah version', 'podman version', 'cosign version', 'syft version', 'go version', 'probe http://127.0.0.1:5000/v2/',
        'buildah bud', 'podman push', 'podman create', 'podman cp', 'podman rm', 'go version', 'cosign attest', 'cosign sign']);
      expect(command(calls, 'podman create')).toEqual(['podman', 'create', '--tls-verify=false', PINNED]);
      const sbom = JSON.parse(fs.readFileSync(path.join(dir, 'sbom.spdx.json'), 'utf8'));
      expect(sbom.packages[0].versionInfo).toBe('1.4.2');
      expect(sbom).toEqual(JSON.parse(GoSbom.fromBuildInfo(BUILD_INFO, { name: '127.0.0.1:5000/acme/orders', version: '1.4.2', sourceDateEpoch: 1700000000, imageDigest: DIGEST })));

      process.env.CI = 'true';
      const inCi: string[][] = [];
      expect(() => publish(keyed(dir, imageJson), recorder(inCi, ['syft'])))
        .toThrow(/^preflight failed, nothing was built \(1 problem\):\n {2}- syft \(syft\) is not usable: .*; with CI=true the Go-modules-only SBOM is not accepted/);
      expect(inCi.map((c) => c.slice(0, 2).join(' '))).toEqual(PREFLIGHT);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });

  test('docker: buildx pushes, the digest comes from the metadata file; keyless bundle signing with the transparency log', () => {
    const { dir, imageJson } = fixture();
    const calls: string[][] = [];
    const record = publish({ imageJson, engine: 'docker', buildArgs: {}, insecureRegistry: false, transparencyLog: true, record: path.join(dir, 'r.json'), sbom: path.join(dir, 's.json'), go: 'go' },
      recorder(calls));
    expect(record.repository).toBe('registry.example.com/acme/orders');
    // The docker CLI, its buildx plugin and its daemon are checked, and the registry over HTTPS.
    expect(calls.slice(0, 6).map((c) => c.slice(0, 3).join(' '))).toEqual(['docker buildx version', 'docker version --format', 'cosign version', 'syft version', 'probe https://registry.example.com/v2/', 'docker buildx build']);
    expect(calls[5]).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--output', 'type=image,name=registry.example.com/acme/orders:1.4.2,push=true,rewrite-timestamp=true']));
    expect(calls.find((c) => c[0] === 'syft' && c[1] === 'scan')).toEqual(['syft', 'scan', `registry:registry.example.com/acme/orders@${DIGEST}`, '-q',
      '-o', `spdx-json@2.3=${path.join(dir, 's.json')}`, '-o', `cyclonedx-json@1.6=${path.join(dir, 'sbom.cdx.json')}`]);
    // Keyless with Rekor: cosign v3's defaults (bundle, the public-good signing config from TUF).
    expect(calls.find((c) => c[1] === 'sign')).toEqual(['cosign', 'sign', '--yes', `registry.example.com/acme/orders@${DIGEST}`]);
  });

  describe('with the vulnerability gate', () => {
    const RECORDED = fs.readFileSync(path.join(__dirname, 'fixtures', 'vulnapp', 'govulncheck.json'), 'utf8');
    function runner(calls: string[][]): Runner {
      return (cmd, args, env) => (cmd === 'govulncheck' ? (calls.push([cmd, ...args]), RECORDED) : recorder(calls)(cmd, args, env));
    }
    const options = (dir: string, imageJson: string) => ({
      imageJson,
      engine: 'buildah' as const,
      repository: '127.0.0.1:5000/acme/orders',
      key: 'cosign.key',
      buildArgs: {},
      insecureRegistry: false,
      transparencyLog: false,
      record: path.join(dir, 'image.lock.json'),
      sbom: path.join(dir, 'sbom.spdx.json'),
      go: 'go',
    });

    test('a reachable vulnerability stops the publish before anything is built', () => {
      const { dir, imageJson } = fixture();
      const calls: string[][] = [];
      expect(() => publish({ ...options(dir, imageJson), vulnerabilityGate: { module: 'services/orders', db: '/srv/vulndb' } }, runner(calls)))
        .toThrow(/GO-2099-0001 in example\.com\/vulnmod@v1\.0\.0: example\.com\/vulnmod\/parse\.Header called from/);
      expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['buildah version', 'podman version', 'cosign version', 'syft version', 'probe https://127.0.0.1:5000/v2/', 'govulncheck -format']);
      expect(calls[5]).toEqual(['govulncheck', '-format', 'json', '-mode', 'source', '-db', 'file:///srv/vulndb', '-C', 'services/orders', './...']);
    });

    test('allow-listed: gate, build, SBOM attestation, OpenVEX attestation, sign, with the exact commands', () => {
      const { dir, imageJson } = fixture();
      const calls: string[][] = [];
      const logs: string[] = [];
      const record = publish({ ...options(dir, imageJson), vulnerabilityGate: { module: 'services/orders', allow: { 'GO-2099-0001': 'only constant input' } } }, runner(calls), (s) => logs.push(s));
      expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['buildah version', 'podman version', 'cosign version', 'syft version', 'probe https://127.0.0.1:5000/v2/',
        'govulncheck -format', 'buildah bud', 'podman push', 'syft scan', 'cosign attest', 'cosign attest', 'cosign attest', 'cosign sign']);
      const vex = path.join(dir, 'vex.openvex.json');
      const pinned = `127.0.0.1:5000/acme/orders@${DIGEST}`;
      const cosign = ['--use-signing-config=false', '--key', 'cosign.key', '--tlog-upload=false', '--yes'];
      expect(calls[9]).toEqual(['cosign', 'attest', ...cosign, '--type', 'spdxjson', '--predicate', path.join(dir, 'sbom.spdx.json'), pinned]);
      expect(calls[11]).toEqual(['cosign', 'attest', ...cosign, '--type', 'openvex', '--predicate', vex, pinned]);
      const doc = JSON.parse(fs.readFileSync(vex, 'utf8'));
      expect(doc.statements.map((st: any) => [st.vulnerability.name, st.status, st.justification, st.products[0]['@id']])).toEqual([
        ['GO-2099-0002', 'not_affected', 'vulnerable_code_not_in_execute_path', `pkg:oci/orders@${encodeURIComponent(DIGEST)}?repository_url=127.0.0.1%3A5000%2Facme%2Forders`],
      ]);
      expect(doc.timestamp).toBe('2023-11-14T22:13:20Z');
      expect(record.vex).toBe('vex.openvex.json');
      expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^vulnerability gate: allowed \(only constant input\): GO-2099-0001/), expect.stringMatching(/^vulnerability gate: not reachable: GO-2099-0002/)]));
    });
  });

  test('a push without a digest and a broken build record are errors', () => {
    const { dir, imageJson } = fixture();
    expect(() => publish({ imageJson, engine: 'buildah', buildArgs: {}, insecureRegistry: false, transparencyLog: true, record: path.join(dir, 'r'), sbom: path.join(dir, 's'), go: 'go' },
      (cmd, args, env) => (cmd === 'podman' && args[0] === 'push' ? (fs.writeFileSync(args[args.indexOf('--digestfile') + 1], ''), '') : recorder([])(cmd, args, env))))
      .toThrow(/publish: the push reported no digest/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"tag":"1"}');
    expect(() => ImageReference.fromBuildRecord(path.join(dir, 'bad.json'))).toThrow(/is not a build record: it needs "repository" and "digest"/);
    expect(() => ImageReference.fromBuildRecord(path.join(dir, 'missing.json'))).toThrow(/cannot read the build record/);
  });
});
