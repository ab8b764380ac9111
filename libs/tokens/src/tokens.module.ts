import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError, readJson } from '@app/config';
import { ClientAssertionVerifier } from './client-assertion.verifier';
import { IdTokenFormat } from './id-token.format';
import { IdTokenHintVerifier } from './id-token-hint.verifier';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { KeyRing } from './key-ring';
import { FederatedJwtVerifier } from './federation/federated-jwt.verifier';

@Global()
@Module({
  providers: [
    {
      provide: KeyRing,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.keysFile ? loadKeysFile(config.keysFile) : KeyRing.generate(),
    },
    {
      provide: JwtAccessTokenFormat,
      inject: [KeyRing, APP_CONFIG],
      useFactory: (keys: KeyRing, config: AppConfig) =>
        new JwtAccessTokenFormat(keys, config.issuer),
    },
    {
      provide: IdTokenFormat,
      inject: [KeyRing, APP_CONFIG],
      useFactory: (keys: KeyRing, config: AppConfig) => new IdTokenFormat(keys, config.issuer),
    },
    {
      provide: IdTokenHintVerifier,
      inject: [KeyRing, APP_CONFIG],
      useFactory: (keys: KeyRing, config: AppConfig) =>
        new IdTokenHintVerifier(keys, config.issuer),
    },
    {
      provide: ClientAssertionVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ClientAssertionVerifier({
          // Development only: a client's jwks_uri may be http on this machine.
          jwksHttp: config.production ? 'refuse' : 'loopback',
        }),
    },
    {
      provide: FederatedJwtVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new FederatedJwtVerifier(config.registry.trustedIssuers ?? [], {
          // Development only: an issuer on this machine (a local test issuer) may be http.
          http: config.production ? 'refuse' : 'loopback',
        }),
    },
  ],
  exports: [
    KeyRing,
    FederatedJwtVerifier,
    JwtAccessTokenFormat,
    IdTokenFormat,
    IdTokenHintVerifier,
    ClientAssertionVerifier,
  ],
})
export class TokensModule {}

/** KEYS_FILE: a start-up error names the file and the faulty key, never its content. */
async function loadKeysFile(file: string): Promise<KeyRing> {
  const jwks = readJson(file, 'KEYS_FILE');
  try {
    return await KeyRing.fromJwks(jwks);
  } catch (e) {
    throw new ConfigError('KEYS_FILE', `${file}: ${(e as Error).message}`);
  }
}
