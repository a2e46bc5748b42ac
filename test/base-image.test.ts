import { BaseImage, BuilderImage, DebianRelease, GolangVariant, ImageHealthCheck, Libc } from '../src';
import { RuleGate } from '../src/checklist/engine';

describe('BaseImage', () => {
  test('factories describe libc, shell and pinning', () => {
    const s = BaseImage.distrolessStatic();
    expect([s.libc, s.hasShell, s.isScratch]).toEqual([Libc.NONE, false, false]);
    expect(s.nameWithTag).toBe('gcr.io/distroless/static-debian13:nonroot');
    expect(s.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const b = BaseImage.distrolessBase({ debian: DebianRelease.BOOKWORM });
    expect([b.libc, b.libcVersion, b.digest]).toEqual([Libc.GLIBC, '2.36', undefined]);
    expect(BaseImage.distrolessBase().libcVersion).toBe('2.41');
    expect(BaseImage.scratch().isScratch).toBe(true);
    expect(BaseImage.chainguardStatic().libc).toBe(Libc.NONE);
    const c = BaseImage.custom('registry.example.com/base:1', { libc: Libc.MUSL, libcVersion: '1.2.5', hasShell: true });
    expect([c.ref, c.libc, c.libcVersion, c.hasShell, c.digest]).toEqual(['registry.example.com/base:1', Libc.MUSL, '1.2.5', true, undefined]);
  });

  test('a digest is validated', () => {
    expect(() => BaseImage.distrolessStatic({ digest: 'sha256:abc' })).toThrow('digest: expected "sha256:" followed by 64 hex characters, got "sha256:abc"');
    expect(() => BaseImage.custom('', { libc: Libc.NONE })).toThrow(/BaseImage\.custom: ref must be an image reference/);
  });
});

describe('BuilderImage', () => {
  test('golang variants carry their libc', () => {
    expect(BuilderImage.golang().ref).toMatch(/^docker\.io\/library\/golang:1\.26-trixie@sha256:[0-9a-f]{64}$/);
    expect(BuilderImage.golang({ variant: GolangVariant.BOOKWORM })).toMatchObject({ ref: 'docker.io/library/golang:1.26-bookworm', libc: Libc.GLIBC, libcVersion: '2.36' });
    expect(BuilderImage.golang({ variant: GolangVariant.ALPINE, goVersion: '1.25' })).toMatchObject({ ref: 'docker.io/library/golang:1.25-alpine', libc: Libc.MUSL, goVersion: '1.25' });
    expect(BuilderImage.custom('registry.example.com/go:1', { libc: Libc.GLIBC, goVersion: '1.26' }).goVersion).toBe('1.26');
  });

  test('bad input is rejected', () => {
    expect(() => BuilderImage.golang({ goVersion: '1.x' })).toThrow('BuilderImage.golang: goVersion must look like "1.26" or "1.26.8", got "1.x"');
    expect(() => BuilderImage.custom('a b', { libc: Libc.GLIBC })).toThrow(/BuilderImage\.custom: ref must be an image reference/);
  });
});

describe('ImageHealthCheck', () => {
  test('rejects bad subcommands and timings', () => {
    expect(() => ImageHealthCheck.fromSubcommand('health check')).toThrow('healthCheck: subcommand must be a single word such as "healthcheck", got "health check"');
    expect(() => ImageHealthCheck.fromCommand([])).toThrow('healthCheck: command must not be empty');
    expect(() => ImageHealthCheck.fromSubcommand('healthcheck', [], { retries: 0 })).toThrow('healthCheck: retries must be a non-negative whole number of at least 1, got 0');
    expect(() => ImageHealthCheck.fromSubcommand('healthcheck', [], { intervalSeconds: 1.5 })).toThrow('healthCheck: intervalSeconds must be a non-negative whole number, got 1.5');
  });

  test('an exec-form call of the binary itself is accepted on distroless', () => {
    expect(ImageHealthCheck.fromCommand(['/app', 'healthcheck'])._render('/app', BaseImage.distrolessStatic(), new RuleGate([]))).toBe(
      'HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/app","healthcheck"]');
  });
});
