import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal identifiers at rest: AES-256-GCM ciphertext (iv|tag|data, base64)
 * plus a keyed HMAC-SHA256 for exact-match lookup, so a database dump alone
 * reveals neither the numbers nor (without the key) a way to test guesses.
 */
export class PiiCrypto {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(master: Buffer) {
    this.encKey = createHmac('sha256', master).update('pii-encrypt').digest();
    this.macKey = createHmac('sha256', master).update('pii-lookup').digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  }

  decrypt(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  lookupHash(plain: string): string {
    return createHmac('sha256', this.macKey).update(plain.trim().toUpperCase()).digest('hex');
  }
}

/** Mask for display (GB/T 35273 display restriction): keep the first 4 and last 4. */
export function maskId(value: string | null | undefined): string | null {
  if (!value) return value ?? null;
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}

/**
 * Mask a birth date (YYYY-MM-DD) to its year: with the clear date a masked ID number
 * (3201**********059X) leaves a handful of candidates, since the hidden digits are mostly the date.
 */
export function maskBirthDate(value: string | null | undefined): string | null {
  if (!value) return value ?? null;
  return `${value.slice(0, 4)}-**-**`;
}

/** Mask a phone number: keep the first 3 and last 4. */
export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return value ?? null;
  if (value.length <= 7) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}
