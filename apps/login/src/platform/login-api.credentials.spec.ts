import { AppConfig, ConfigError } from '@app/config';
import { loginApiCredentials, requireLoginApiCredentials } from './login-api.credentials';

const client = (
  clientId: string,
  secret?: { kind: string; value: string },
  loginProvider = true,
) => ({
  clientId,
  loginProvider,
  secret,
});
const plain = (value: string) => ({ kind: 'plain', value });
const hash = { kind: 'hash', value: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5' };

function config(env: { clientId?: string; clientSecret?: string }, clients: unknown[]) {
  return { signIn: { loginApp: env }, registry: { clients } } as unknown as AppConfig;
}

describe('login/consent API credentials', () => {
  const registry = [
    client('svc', plain('svc-secret'), false),
    client('hashed-provider', hash),
    client('login-app', plain('login-app-secret')),
    client('second-provider', plain('second-secret')),
  ];

  it('takes LOGIN_CLIENT_ID and LOGIN_CLIENT_SECRET when both are set', () => {
    expect(loginApiCredentials(config({ clientId: 'x', clientSecret: 'y' }, []))).toEqual({
      clientId: 'x',
      secret: 'y',
    });
  });

  it('otherwise takes the first login_provider client of CONFIG_FILE with a plain secret', () => {
    expect(loginApiCredentials(config({}, registry))).toEqual({
      clientId: 'login-app',
      secret: 'login-app-secret',
    });
    expect(loginApiCredentials(config({ clientId: 'second-provider' }, registry))).toEqual({
      clientId: 'second-provider',
      secret: 'second-secret',
    });
    expect(loginApiCredentials(config({}, [registry[0], registry[1]]))).toBeUndefined();
  });

  it('names the variable that is missing', () => {
    expect(() => loginApiCredentials(config({ clientSecret: 'y' }, registry))).toThrow(
      /LOGIN_CLIENT_ID: is required when LOGIN_CLIENT_SECRET is set/,
    );
    expect(() => loginApiCredentials(config({ clientId: 'hashed-provider' }, registry))).toThrow(
      /LOGIN_CLIENT_SECRET: is required/,
    );
    expect(() => requireLoginApiCredentials(config({}, [registry[1]]))).toThrow(ConfigError);
    expect(() => requireLoginApiCredentials(config({}, []))).toThrow(
      /LOGIN_CLIENT_ID.*LOGIN_CLIENT_SECRET/,
    );
  });
});
