import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig, UserConfig } from '@app/config';
import {
  DummySecretHashes,
  ScryptGate,
  SecretCheckBusy,
  sha256,
  verifySecretHash,
} from '@app/registry';
import { SignInBusy } from '../login-app.errors';

/**
 * Checks a username and password against `users` of CONFIG_FILE: passwords in the client-secret
 * format (a scrypt hash, or plain text in development). Every refusal costs one scrypt, as client
 * authentication's does: an unknown username, or a wrong plain password, is checked against a
 * dummy hash like the users' (DummySecretHashes), so how long a refusal takes does not tell which
 * usernames exist. Comparisons are of digests, in constant time whatever the lengths.
 */
@Injectable()
export class PasswordCheck {
  private readonly users: ReadonlyMap<string, UserConfig>;
  private readonly dummyHashes: DummySecretHashes;
  private readonly plainDigests = new Map<string, Buffer>();

  /** `scrypt`: the process's one gate (SCRYPT_CONCURRENCY), shared with client secrets. */
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly scrypt: ScryptGate,
  ) {
    const users = config.registry.users;
    this.users = new Map(users.map((u) => [usernameKey(u.username), u]));
    this.dummyHashes = new DummySecretHashes(
      users.flatMap((u) => (u.password.kind === 'hash' ? [u.password.value] : [])),
    );
    for (const u of users)
      if (u.password.kind === 'plain')
        this.plainDigests.set(usernameKey(u.username), sha256(u.password.value));
  }

  /** The user whose password this is; undefined for a wrong password or an unknown username. */
  async verify(username: string, password: string): Promise<UserConfig | undefined> {
    const user = this.users.get(usernameKey(username));
    const stored = user?.password;
    if (!user || !stored) return this.refuse(username, password);
    if (stored.kind === 'plain')
      return timingSafeEqual(sha256(password), this.plainDigests.get(usernameKey(username))!)
        ? user
        : this.refuse(username, password);
    return (await this.scrypted(password, stored.value)) ? user : undefined;
  }

  private async refuse(username: string, password: string): Promise<undefined> {
    await this.scrypted(password, this.dummyHashes.for(usernameKey(username)));
    return undefined;
  }

  private async scrypted(password: string, hash: string): Promise<boolean> {
    try {
      return await this.scrypt.run(() => verifySecretHash(password, hash));
    } catch (e) {
      if (e instanceof SecretCheckBusy) throw new SignInBusy();
      throw e;
    }
  }
}

/**
 * Usernames are ASCII and unique regardless of case (libs/config users.parser): `Alice` signs in
 * as `alice`. The failure throttle counts under the same key, so case variants share one count.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}
