import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import { AppConfig, ConfigError, DEV_CONFIG_FILE, loadConfig } from '@app/config';
import { createHttpApp } from '@app/platform';
import { StandaloneModule } from './standalone.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(StandaloneModule.forRoot(config), config);
  await app.listen(config.port, config.host);
  const log = new Logger('Standalone');
  log.log(`Issuer ${config.issuer} listening on ${config.host}:${config.port}`);
  log.log(`Metadata: ${config.issuer}/.well-known/oauth-authorization-server`);
  log.log(`Try: ${tryCommand(config)}`);
}

/** Secrets are never logged, except the published example secret of the shipped dev config. */
function tryCommand(config: AppConfig): string {
  const client = config.registry.clients.find((c) => c.secret !== undefined);
  const shipped = config.configFile === resolve(DEV_CONFIG_FILE) && client?.secret?.kind === 'plain';
  const secret = shipped ? client!.secret!.value : '<client secret>';
  return (
    `curl -s -u '${client?.clientId ?? '<client id>'}:${secret}' ` +
    `-d grant_type=client_credentials ${config.endpoints.token}`
  );
}

main().catch((e) => {
  // A bad configuration names the variable and the reason, then stops the process.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
