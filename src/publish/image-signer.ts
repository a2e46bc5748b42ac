import * as crypto from 'crypto';
import { PATTERNS } from '../core/patterns';

/**
 * Who is expected to have signed the image (rule R14). The pod template records it in annotations,
 * and `ImageSignaturePolicy` enforces the same identity at admission.
 */
export class ImageSigner {
  /**
   * A keyless (Fulcio) signature by an OIDC identity.
   * @param issuer OIDC issuer, such as `https://token.actions.githubusercontent.com`
   * @param subject certificate identity, such as `https://github.com/acme/svc/.github/workflows/release.yml@refs/heads/main`
   */
  public static keyless(issuer: string, subject: string): ImageSigner {
    if (!issuer?.startsWith('https://') || !PATTERNS.url.test(issuer)) throw new Error(`signer: issuer ${JSON.stringify(issuer)} must be an https URL (pattern ${PATTERNS.url})`);
    if (!PATTERNS.identity.test(subject ?? '')) throw new Error(`signer: subject ${JSON.stringify(subject)} must be a non-empty identity without spaces (pattern ${PATTERNS.identity})`);
    return new ImageSigner('keyless', issuer, subject, undefined);
  }

  /**
   * A signature made with a cosign key pair.
   * @param publicKeyPem the PEM public key (`cosign.pub`)
   */
  public static publicKey(publicKeyPem: string): ImageSigner {
    const pem = publicKeyPem.trim();
    if (!/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/.test(pem)) {
      throw new Error('signer: publicKeyPem must be a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)');
    }
    return new ImageSigner('key', undefined, undefined, pem + '\n');
  }

  /** `keyless` or `key`. */
  public readonly mode: string;
  /** OIDC issuer (keyless). */
  public readonly issuer?: string;
  /** Certificate identity (keyless). */
  public readonly subject?: string;
  /** PEM public key (key). */
  public readonly publicKeyPem?: string;

  private constructor(mode: string, issuer: string | undefined, subject: string | undefined, publicKeyPem: string | undefined) {
    this.mode = mode;
    this.issuer = issuer;
    this.subject = subject;
    this.publicKeyPem = publicKeyPem;
  }

  /** A short, stable description: the identity, or the key's SHA-256 fingerprint. */
  public get identity(): string {
    if (this.mode === 'keyless') return `${this.issuer} ${this.subject}`;
    const der = Buffer.from(this.publicKeyPem!.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    return `sha256:${crypto.createHash('sha256').update(der).digest('hex')}`;
  }
}
