import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, readJson } from '@app/config';
import { ClientAssertionVerifier } from './client-assertion.verifier';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { KeyRing } from './key-ring';

@Global()
@Module({
  providers: [
    {
      provide: KeyRing,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.keysFile
          ? KeyRing.fromJwks(readJson(config.keysFile, 'KEYS_FILE') as { keys?: unknown })
          : KeyRing.generate(),
    },
    {
      provide: JwtAccessTokenFormat,
      inject: [KeyRing, APP_CONFIG],
      useFactory: (keys: KeyRing, config: AppConfig) =>
        new JwtAccessTokenFormat(keys, config.issuer),
    },
    {
      provide: ClientAssertionVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ClientAssertionVerifier({
          jwksHttp: config.clientJwksLoopbackHttp ? 'loopback' : 'refuse',
        }),
    },
  ],
  exports: [KeyRing, JwtAccessTokenFormat, ClientAssertionVerifier],
})
export class TokensModule {}
