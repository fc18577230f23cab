import { Injectable } from '@nestjs/common';
import { normalizePhone } from '@gc/contracts';
import { AppException } from '../../core/http/app-exception';
import { maskId, maskPhone, PiiCrypto } from '../../core/security/pii-crypto';
import { SecretsService } from '../../core/security/secrets.service';
import { can, type Principal } from '../auth/principal';

/**
 * Whether a read asks for clear personal data and may have it: `unmask=true` needs pii:unmask
 * (else 403) and a stated purpose (else 400); the caller audits each such read.
 */
export function unmaskWanted(p: Principal, q: { unmask?: boolean; purpose?: string }): boolean {
  if (!q.unmask) return false;
  if (!can(p, 'pii:unmask')) throw new AppException('FORBIDDEN', 'your role does not allow unmasked personal data (needs pii:unmask)', { permission: 'pii:unmask' });
  if (!q.purpose) throw new AppException('VALIDATION_FAILED', 'purpose: state the purpose of an unmasked read', [{ field: 'query.purpose', message: 'required with unmask=true' }]);
  return true;
}

/**
 * Personal identifiers in the registries: encrypted at rest with a keyed hash for
 * exact-match lookup, decrypted only to be masked (or, audited, shown in clear).
 */
@Injectable()
export class RegistryPiiService {
  private crypto?: Promise<PiiCrypto>;

  constructor(private readonly secrets: SecretsService) {}

  private get pii(): Promise<PiiCrypto> {
    return (this.crypto ??= this.secrets.piiKey().then((k) => new PiiCrypto(k)));
  }

  /** Ciphertext and lookup hash of an ID number (already validated and upper-cased). */
  async sealId(id: string | null | undefined): Promise<{ enc: string | null; hmac: string | null }> {
    if (!id) return { enc: null, hmac: null };
    const c = await this.pii;
    return { enc: c.encrypt(id), hmac: c.lookupHash(id) };
  }

  async sealPhone(phone: string | null | undefined): Promise<{ enc: string | null; hmac: string | null }> {
    if (!phone) return { enc: null, hmac: null };
    const c = await this.pii;
    const p = normalizePhone(phone);
    return { enc: c.encrypt(p), hmac: c.lookupHash(p) };
  }

  async idHash(id: string): Promise<string> {
    return (await this.pii).lookupHash(id);
  }

  async phoneHash(phone: string): Promise<string> {
    return (await this.pii).lookupHash(normalizePhone(phone));
  }

  /** Decrypt and mask (or not) an ID number. */
  async showId(enc: string | null, unmasked: boolean): Promise<string | null> {
    if (!enc) return null;
    const clear = (await this.pii).decrypt(enc);
    return unmasked ? clear : maskId(clear);
  }

  async showPhone(enc: string | null, unmasked: boolean): Promise<string | null> {
    if (!enc) return null;
    const clear = (await this.pii).decrypt(enc);
    return unmasked ? clear : maskPhone(clear);
  }
}
