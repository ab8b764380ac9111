import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError, SigningAlg } from '@app/config';
import { KeyRing } from '@app/tokens';
import { userinfoResource } from './sign-in/code-audience';

/**
 * Issuance signs with the algorithm each resource and each client's `id_token_signed_response_alg`
 * names, and the /userinfo token's: a key set without one of them would answer every such token
 * request `500`. Found at start instead, naming what needs the missing key.
 */
@Injectable()
export class SigningKeysCheck implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeyRing,
  ) {}

  onModuleInit(): void {
    const held = new Set(this.keys.algorithms());
    const missing = [...neededAlgs(this.config)].filter(([alg]) => !held.has(alg));
    if (missing.length === 0) return;
    const [alg, users] = missing[0]!;
    throw new ConfigError(
      'KEYS_FILE',
      `the key set has no ${alg} signing key, which ${users.slice(0, 3).join(', ')} needs`,
    );
  }
}

/** Each algorithm issuance signs with, and what needs it. */
export function neededAlgs(config: AppConfig): Map<SigningAlg, string[]> {
  const needed = new Map<SigningAlg, string[]>();
  const need = (alg: SigningAlg, user: string) =>
    needed.set(alg, [...(needed.get(alg) ?? []), user]);
  for (const r of config.registry.resources)
    if (r.accessTokenFormat === 'jwt') need(r.signingAlg, `resource ${r.identifier}`);
  const codeClients = config.registry.clients.filter((c) =>
    c.grantTypes.includes('authorization_code'),
  );
  for (const c of codeClients) need(c.idTokenSignedResponseAlg, `client ${c.clientId}`);
  if (codeClients.length > 0) need(userinfoResource(config).signingAlg, 'the /userinfo token');
  return needed;
}
