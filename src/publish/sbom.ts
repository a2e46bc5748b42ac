import { createHash } from 'crypto';

/** Options of `GoSbom.fromBuildInfo`. */
export interface GoSbomOptions {
  /** Name of the SBOM document, such as the image repository. */
  readonly name: string;
  /**
   * Version of the main module when the build info says `(devel)` (a build without VCS stamping).
   * @default - the version in the build info
   */
  readonly version?: string;
  /**
   * Creation time as Unix seconds, so identical builds give identical SBOMs.
   * @default 0
   */
  readonly sourceDateEpoch?: number;
  /**
   * The image digest the SBOM describes, part of the document namespace.
   * @default - none
   */
  readonly imageDigest?: string;
}

interface Module {
  readonly path: string;
  readonly version: string;
  readonly sum?: string;
}

/**
 * SPDX 2.3 SBOMs for Go binaries, built from `go version -m` (the module list the Go linker embeds),
 * like ko does. Deterministic: same build info and options, same bytes.
 */
export class GoSbom {
  /**
   * An SPDX 2.3 JSON document from the text `go version -m <binary>` prints.
   * @param buildInfo output of `go version -m`
   */
  public static fromBuildInfo(buildInfo: string, options: GoSbomOptions): string {
    const lines = buildInfo.split('\n');
    const goVersion = /:\s+(go[0-9][^\s]*)/.exec(lines[0] ?? '')?.[1];
    if (!goVersion) throw new Error('buildInfo: not the output of `go version -m` (no "<file>: go1.x" first line)');
    let main: Module | undefined;
    const deps: Module[] = [];
    const settings: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const [kind, ...rest] = line.trim().split('\t');
      if (kind === 'mod') main = { path: rest[0], version: rest[1], sum: rest[2] || undefined };
      if (kind === 'dep') deps.push({ path: rest[0], version: rest[1], sum: rest[2] || undefined });
      if (kind === '=>' && deps.length) deps[deps.length - 1] = { path: rest[0], version: rest[1], sum: rest[2] || undefined };
      if (kind === 'build') {
        const [k, ...v] = rest.join('\t').split('=');
        settings[k] = v.join('=');
      }
    }
    if (!main) throw new Error('buildInfo: no "mod" line: build the binary in module mode');
    const mainVersion = main.version === '(devel)' && options.version ? options.version : main.version;
    const created = new Date((options.sourceDateEpoch ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = (p: string) => `SPDXRef-Package-${createHash('sha256').update(p).digest('hex').slice(0, 16)}`;
    const purl = (p: string, v: string) => `pkg:golang/${p.split('/').map(encodeURIComponent).join('/')}@${encodeURIComponent(v)}`;
    const pkg = (m: Module, version: string, extra: Record<string, unknown> = {}) => ({
      SPDXID: id(m.path),
      name: m.path,
      versionInfo: version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(m.sum ? { checksums: [{ algorithm: 'SHA256', checksumValue: Buffer.from(m.sum.replace(/^h1:/, ''), 'base64').toString('hex') }] } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(m.path, version) }],
      ...extra,
    });
    const stdlib = { path: 'stdlib', version: goVersion };
    const sorted = [...deps].sort((a, b) => a.path.localeCompare(b.path));
    const namespaceSeed = `${options.name}@${options.imageDigest ?? ''}|${main.path}@${mainVersion}|${sorted.map((d) => `${d.path}@${d.version}`).join(',')}`;
    const doc = {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: options.name,
      documentNamespace: `https://golden-go.dev/spdx/${encodeURIComponent(options.name)}/${createHash('sha256').update(namespaceSeed).digest('hex')}`,
      creationInfo: { created, creators: ['Tool: golden-go'] },
      documentDescribes: [id(main.path)],
      packages: [
        pkg(main, mainVersion, {
          primaryPackagePurpose: 'APPLICATION',
          annotations: Object.keys(settings).length ? [{
            annotationType: 'OTHER',
            annotator: 'Tool: golden-go',
            annotationDate: created,
            comment: `go build settings: ${Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ')}`,
          }] : undefined,
        }),
        { ...pkg(stdlib, goVersion), externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:golang/stdlib@${goVersion}` }] },
        ...sorted.map((d) => pkg(d, d.version)),
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: id(main.path) },
        ...[stdlib, ...sorted].map((d) => ({ spdxElementId: id(main.path), relationshipType: 'DEPENDS_ON', relatedSpdxElement: id(d.path) })),
      ],
    };
    return JSON.stringify(doc, undefined, 2) + '\n';
  }

  private constructor() {}
}
