import { Inject, Injectable } from '@nestjs/common';
import { REVOCATION_STORE, RevocationStore } from '@app/store';
import { AccessTokenClaims, AccessTokenReader } from '@app/tokens';

/**
 * Reads an access token the way a resource server would: signature or record, lifetime, then
 * revocation (DESIGN "Revocation that is felt at once"). Null when it is not good now.
 */
@Injectable()
export class PlaygroundTokenChecker {
  constructor(
    private readonly reader: AccessTokenReader,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
  ) {}

  async check(token: string): Promise<AccessTokenClaims | null> {
    const read = await this.reader.read(token).catch(() => null);
    if (!read) return null;
    const now = Math.floor(Date.now() / 1000);
    if (read.claims.exp <= now) return null;
    return (await this.revocations.isRevoked(read.claims)) ? null : read.claims;
  }
}
