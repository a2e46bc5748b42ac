import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { HardenedGoImage, ImageReference, ImageSigner } from '../src';

const D = `sha256:${'ab'.repeat(32)}`;

describe('ImageReference (R01)', () => {
  test('fromDigest and parse agree', () => {
    const a = ImageReference.fromDigest('registry.example.com:5000/team/svc', D, '1.2.3');
    expect(a.toString()).toBe(`registry.example.com:5000/team/svc:1.2.3@${D}`);
    const b = ImageReference.parse(a.toString());
    expect([b.repository, b.tag, b.digest]).toEqual(['registry.example.com:5000/team/svc', '1.2.3', D]);
    expect(ImageReference.parse(`ghcr.io/acme/svc@${D}`).tag).toBeUndefined();
  });

  test('from a HardenedGoImage and the digest its build recorded', () => {
    const image = new HardenedGoImage(Testing.chart(), 'img', { name: 'svc', imageName: 'registry.example.com/acme/svc', version: '2.0.0' });
    expect(ImageReference.fromHardenedGoImage(image, D).toString()).toBe(`registry.example.com/acme/svc:2.0.0@${D}`);
  });

  test.each([
    ['registry.example.com/svc:latest', /^\[R01\] image: "registry\.example\.com\/svc:latest" is not pinned by digest: ":latest" \(or no tag\) names whatever was pushed last/],
    ['registry.example.com/svc', /^\[R01\] image: "registry\.example\.com\/svc" is not pinned by digest: ":latest" \(or no tag\)/],
    ['registry.example.com/svc:1.2.3', /^\[R01\] image: "registry\.example\.com\/svc:1\.2\.3" is not pinned by digest: a tag can be moved/],
    [`registry.example.com/svc:latest@${D}`, /^\[R01\] image: ":latest" names whatever was pushed last/],
    ['registry.example.com/svc@sha256:abc', /^\[R01\] image: digest "sha256:abc" must be "sha256:" followed by 64/],
    [`Registry/Svc@${D}`, /^image: repository "Registry\/Svc" is not a valid image repository/],
  ])('%s is rejected', (ref, msg) => {
    expect(() => ImageReference.parse(ref)).toThrow(msg);
  });
});

describe('ImageSigner', () => {
  test('keyless identity and key fingerprint', () => {
    expect(ImageSigner.keyless('https://accounts.google.com', 'ci@acme.iam.gserviceaccount.com').identity)
      .toBe('https://accounts.google.com ci@acme.iam.gserviceaccount.com');
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n-----END PUBLIC KEY-----';
    expect(ImageSigner.publicKey(pem).identity).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
  test('bad input', () => {
    expect(() => ImageSigner.keyless('http://issuer', 'x')).toThrow('signer: issuer "http://issuer" must be an https URL');
    expect(() => ImageSigner.keyless('https://issuer', 'a b')).toThrow(/signer: subject "a b" must be a non-empty identity/);
    expect(() => ImageSigner.publicKey('ssh-ed25519 AAAA')).toThrow(/signer: publicKeyPem must be a PEM public key/);
  });
});

describe('ImageReference.fromBuildRecord', () => {
  test('a record that is not there yet: one line naming the command that writes it', () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-record-')), 'image.lock.json');
    let message = '';
    try {
      ImageReference.fromBuildRecord(missing);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toBe(`image: cannot read the build record ${missing}: it does not exist yet; `
      + `\`npx golden-go publish --image-json <dir>/image.json --repository <registry>/<name> --record ${missing}\` writes it`);
  });

  test('names the image.json that HardenedGoImage.writeFiles put beside the record', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-record-'));
    new HardenedGoImage(Testing.chart(), 'img', { name: 'svc', imageName: 'registry.example.com/acme/svc' }).writeFiles(dir);
    const record = path.join(dir, 'image.lock.json');
    expect(() => ImageReference.fromBuildRecord(record)).toThrow(`--image-json ${path.join(dir, 'image.json')} --repository`);
  });
});
