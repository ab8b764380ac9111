import 'reflect-metadata';
import { resolve } from 'node:path';
import { AppConfig, DEV_CONFIG_FILE } from '@app/config';
import { runService } from '@app/platform';
import { STANDALONE_FEATURES } from './standalone.module';

void runService({
  name: 'standalone',
  defaultPort: 3000,
  projector: true,
  features: STANDALONE_FEATURES,
  greet: (config, log) => {
    log.log(`Metadata: ${config.issuer}/.well-known/oauth-authorization-server`);
    log.log(`Try: ${tryCommand(config)}`);
  },
});

/** Secrets are never logged, except the published example secret of the shipped dev config. */
function tryCommand(config: AppConfig): string {
  const client = config.registry.clients.find((c) => c.secret !== undefined);
  const shipped =
    config.configFile === resolve(DEV_CONFIG_FILE) && client?.secret?.kind === 'plain';
  const secret = shipped ? client!.secret!.value : '<client secret>';
  return (
    `curl -s -u '${client?.clientId ?? '<client id>'}:${secret}' ` +
    `-d grant_type=client_credentials ${config.endpoints.token}`
  );
}
