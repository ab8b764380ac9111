import { AppConfig } from '@app/config';
import { MemoryReplayStore } from '@app/store';
import { FederatedJwtVerifier } from '@app/tokens';
import { FederatedCredentialCheck } from '@app/oauth';

/** For unit specs of the other methods: no trusted issuer, so no federated credential applies. */
export const noFederation = () =>
  new FederatedCredentialCheck(
    new FederatedJwtVerifier([], { http: 'refuse' }),
    { issuer: 'https://as.example' } as AppConfig,
    new MemoryReplayStore(),
  );
