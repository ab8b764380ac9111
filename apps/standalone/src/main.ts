import 'reflect-metadata';
import { resolve } from 'node:path';
import { AppConfig, DEV_CONFIG_FILE } from '@app/config';
import { runService } from '@app/platform';
import { STANDALONE_FEATURES } from './standalone.module';

void runService({
  name: 'standalone',
  defaultPort: 3000,
  projector: true,
  // Issue 16: the browser playground at /playground, unless PLAYGROUND=false.
  playground: true,
  features: STANDALONE_FEATURES,
  greet: (config, log) => {
    log.log(`Metadata: ${config.issuer}/.well-known/oauth-authorization-server`);
    log.log(`Try: ${tryCommand(config)}`);
    if (config.playground) log.log(`Playground: ${playgroundUrl(config)}`);
    for (const line of signInWalkthrough(config)) log.log(line);
  },
});

/** Secrets are never logged, except the published example secrets of the shipped dev config. */
function shippedDevConfig(config: AppConfig): boolean {
  return config.configFile === resolve(DEV_CONFIG_FILE);
}

function tryCommand(config: AppConfig): string {
  const client = config.registry.clients.find((c) => c.secret !== undefined);
  const shipped = shippedDevConfig(config) && client?.secret?.kind === 'plain';
  const secret = shipped ? client!.secret!.value : '<client secret>';
  return (
    `curl -s -u '${client?.clientId ?? '<client id>'}:${secret}' ` +
    `-d grant_type=client_credentials ${config.endpoints.token}`
  );
}

/** How a newcomer signs in with a browser (README "Sign in with a browser"). */
function signInWalkthrough(config: AppConfig): string[] {
  const client = config.registry.clients.find((c) => c.grantTypes.includes('authorization_code'));
  const user = config.registry.users[0];
  if (!client || !user) return [];
  const password =
    shippedDevConfig(config) && user.password.kind === 'plain' ? user.password.value : '<password>';
  const options = client.clientId === 'web-app' ? '' : ` -- --client ${client.clientId}`;
  return [
    `Sign in with a browser: 1) ISSUER=${config.issuer} npm run sign-in${options} ` +
      `prints an authorization URL (PKCE S256, state, nonce) and waits on ${client.redirectUris[0]};`,
    `  2) open it, log in as ${user.username} / ${password} and allow; ` +
      `3) the script checks state and iss, redeems the code at ${config.endpoints.token} ` +
      `and calls ${config.endpoints.userinfo}.`,
  ];
}

/**
 * Where to open the playground: the page a public client is registered for (config/dev.json:
 * 127.0.0.1, as RFC 8252 §8.3 refuses localhost redirect URIs), else the issuer's.
 */
function playgroundUrl(config: AppConfig): string {
  const pages = config.registry.clients
    .filter((c) => c.authMethod === 'none')
    .flatMap((c) => c.redirectUris)
    .filter((uri) => new URL(uri).pathname === '/playground');
  return pages[0] ?? `${config.issuer}/playground`;
}
