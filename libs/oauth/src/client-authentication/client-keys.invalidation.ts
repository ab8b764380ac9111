import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientRegistry, RegistryChange } from '@app/registry';
import { ClientAssertionVerifier } from '@app/tokens';

/**
 * A client changed or deleted at run time (the registry's change feed): the key set cached for
 * its `jwks_uri` is dropped, so a key it no longer lists stops authenticating it at once rather
 * than at the cache's next refresh. Inline `jwks` need nothing: their sets are cached per
 * client version (ClientAssertionVerifier).
 */
@Injectable()
export class ClientKeysInvalidation implements OnModuleDestroy {
  private readonly unsubscribe: () => void;

  constructor(registry: ClientRegistry, verifier: ClientAssertionVerifier) {
    this.unsubscribe = registry.onChange((change: RegistryChange) => {
      if (change.kind !== 'client') return;
      const uri = change.before?.jwksUri;
      if (uri !== undefined) verifier.forget(uri);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
