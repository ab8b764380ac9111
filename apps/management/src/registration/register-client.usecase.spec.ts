import type { AppConfig } from '@app/config';
import { EventFactory, MemoryEventBus } from '@app/events';
import { MemoryInitialAccessTokenStore } from '@app/store';
import { verifySecretHash } from '@app/registry';
import { FakeClientRegistrations } from '../../../../test/support/fake-client-registrations';
import { ClientConfigurationUseCase } from './client-configuration.usecase';
import { IssueInitialAccessTokenUseCase } from './issue-initial-access-token.usecase';
import { RegisterClientUseCase } from './register-client.usecase';
import { registrationTokenDigest } from './registration-credentials';

const ISSUER = 'https://as.example';
const ORDERS = {
  identifier: 'https://orders.example',
  scopes: ['orders:read', 'orders:write'],
};

const config = (open = false) =>
  ({
    issuer: ISSUER,
    endpoints: { registration: `${ISSUER}/oauth2/register` },
    registration: {
      open,
      initialAccessTokenTtl: 3600,
      initialAccessTokenMaxTtl: 7200,
      initialAccessTokenMaxUses: 10,
    },
  }) as unknown as AppConfig;

const WEB = {
  redirect_uris: ['https://app.example/cb'],
  scope: 'openid orders:read',
  resources: [ORDERS.identifier],
};
const SERVICE = {
  grant_types: ['client_credentials'],
  scope: 'orders:read',
  resources: [ORDERS.identifier],
};

describe('RegisterClientUseCase and ClientConfigurationUseCase (RFC 7591, RFC 7592)', () => {
  let tokens: MemoryInitialAccessTokenStore;
  let registry: FakeClientRegistrations;
  const setup = (open = false) => {
    tokens = new MemoryInitialAccessTokenStore();
    registry = new FakeClientRegistrations([ORDERS]);
    return {
      register: new RegisterClientUseCase(config(open), tokens, registry),
      configuration: new ClientConfigurationUseCase(config(open), registry),
      issue: new IssueInitialAccessTokenUseCase(
        tokens,
        new MemoryEventBus(),
        new EventFactory('urn:test'),
      ),
    };
  };
  const initialToken = async (issue: IssueInitialAccessTokenUseCase, uses = 1): Promise<string> =>
    (await issue.execute('admin', { expiresIn: 60, uses })).initial_access_token;

  it('registers a code client: generated id, secret stored as a hash only, credentials once', async () => {
    const { register, issue } = setup();
    const res = await register.execute(await initialToken(issue), WEB);
    expect(res).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: WEB.redirect_uris,
      scope: 'openid orders:read',
      client_secret_expires_at: 0,
      registration_client_uri: `${ISSUER}/oauth2/register/${res.client_id as string}`,
    });
    expect(res.registration_access_token).toMatch(/^rat_[\w-]{43}$/);
    const stored = registry.documents.get(res.client_id as string)!;
    expect(stored.client_secret).toBeUndefined();
    await expect(
      verifySecretHash(res.client_secret as string, stored.client_secret_hash as string),
    ).resolves.toBe(true);
    expect(registry.digests.get(res.client_id as string)).toBe(
      registrationTokenDigest(res.registration_access_token as string),
    );
    expect(JSON.stringify(stored)).not.toContain(res.registration_access_token as string);
  });

  it('refuses without an initial access token unless registration is open', async () => {
    await expect(setup().register.execute(undefined, SERVICE)).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
      headers: { 'www-authenticate': 'Bearer realm="registration"' },
    });
    await expect(setup(true).register.execute(undefined, WEB)).resolves.toHaveProperty('client_id');
  });

  it('keeps client_credentials for clients an initial access token vouches for', async () => {
    const open = setup(true);
    await expect(open.register.execute(undefined, SERVICE)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_client_metadata',
    });
    const created = await open.register.execute(undefined, WEB);
    const id = created.client_id as string;
    await expect(
      open.configuration.update(id, created.registration_access_token as string, {
        ...WEB,
        client_id: id,
        grant_types: ['authorization_code', 'client_credentials'],
      }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    await expect(
      open.register.execute(await initialToken(open.issue), SERVICE),
    ).resolves.toHaveProperty('client_id');
  });

  it('refuses an unknown, spent or expired initial access token with invalid_token', async () => {
    const { register, issue } = setup();
    await expect(register.execute('iat_unknown', SERVICE)).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
    });
    const once = await initialToken(issue);
    await register.execute(once, SERVICE);
    await expect(register.execute(once, SERVICE)).rejects.toMatchObject({ error: 'invalid_token' });
  });

  it('gives the use back when the metadata is refused', async () => {
    const { register, issue } = setup();
    const token = await initialToken(issue);
    await expect(
      register.execute(token, { ...WEB, redirect_uris: ['http://evil.example/cb'] }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_redirect_uri' });
    await expect(
      register.execute(token, { ...SERVICE, scope: 'orders:delete' }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    await expect(register.execute(token, SERVICE)).resolves.toHaveProperty('client_id');
  });

  it.each([
    [{ ...SERVICE, admin: true }, 'admin'],
    [{ ...SERVICE, introspects: [ORDERS.identifier] }, 'introspects'],
    [{ ...WEB, login_provider: true }, 'login_provider'],
    [{ ...WEB, skip_consent: true }, 'skip_consent'],
    [{ ...SERVICE, rate_limit: { token: 0 } }, 'rate_limit'],
    [{ ...SERVICE, token_exchange: {} }, 'token_exchange'],
    [{ ...SERVICE, client_secret: 'my-own-secret-0123456789' }, 'client_secret'],
    [{ ...SERVICE, grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] }, 'grant_types'],
    [{ ...SERVICE, grant_types: ['implicit'] }, 'grant_types'],
    [{ ...SERVICE, response_types: ['code'] }, 'response_types'],
    [{ ...WEB, response_types: ['token'] }, 'response_types'],
    [{ ...SERVICE, token_endpoint_auth_method: 'client_secret_jwt' }, 'token_endpoint_auth_method'],
    [{ ...SERVICE, resources: ['https://unknown.example'] }, 'resources'],
  ])('refuses %j with invalid_client_metadata naming %s', async (body, field) => {
    const { register, issue } = setup();
    const refused = await register
      .execute(await initialToken(issue), body)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect((refused as Error).message).toContain(field);
  });

  it('refuses a software statement with invalid_software_statement', async () => {
    const { register, issue } = setup();
    await expect(
      register.execute(await initialToken(issue), { ...SERVICE, software_statement: 'eyJ.x.y' }),
    ).rejects.toMatchObject({ error: 'invalid_software_statement' });
  });

  it('ignores metadata it does not understand (RFC 7591 §2) and does not echo it', async () => {
    const { register, issue } = setup();
    const res = await register.execute(await initialToken(issue), {
      ...SERVICE,
      client_name: 'Orders sync',
      x_custom: 1,
    });
    expect(res).not.toHaveProperty('client_name');
    expect(registry.documents.get(res.client_id as string)).not.toHaveProperty('x_custom');
  });

  it('reads, updates (rotating the registration access token) and deletes a client', async () => {
    const { register, configuration, issue } = setup();
    const created = await register.execute(await initialToken(issue), SERVICE);
    const id = created.client_id as string;
    const first = created.registration_access_token as string;
    const hashBefore = registry.documents.get(id)?.client_secret_hash;
    expect(hashBefore).toEqual(expect.any(String));
    expect(configuration.read(id, first)).toMatchObject({ client_id: id, scope: 'orders:read' });
    expect(configuration.read(id, first)).not.toHaveProperty('client_secret');

    const updated = await configuration.update(id, first, {
      ...SERVICE,
      client_id: id,
      client_secret: created.client_secret,
      scope: 'orders:read orders:write',
      registration_access_token: first,
    });
    const second = updated.registration_access_token as string;
    expect(second).not.toBe(first);
    expect(updated).toMatchObject({ scope: 'orders:read orders:write' });
    expect(updated).not.toHaveProperty('client_secret');
    // The secret is kept: the same hash, no new secret shown.
    expect(registry.documents.get(id)?.client_secret_hash).toBe(hashBefore);
    expect(() => configuration.read(id, first)).toThrow(
      expect.objectContaining({ status: 401, error: 'invalid_token' }),
    );
    expect(configuration.read(id, second)).toMatchObject({ client_id: id });

    await expect(configuration.remove(id, first)).rejects.toMatchObject({ status: 401 });
    await configuration.remove(id, second);
    expect(registry.client(id)).toBeUndefined();
    expect(() => configuration.read(id, second)).toThrow(
      expect.objectContaining({ error: 'invalid_token' }),
    );
  });

  it('refuses an update that names another client or a wrong secret', async () => {
    const { register, configuration, issue } = setup();
    const created = await register.execute(await initialToken(issue), SERVICE);
    const id = created.client_id as string;
    const token = created.registration_access_token as string;
    await expect(configuration.update(id, token, { ...SERVICE })).rejects.toMatchObject({
      error: 'invalid_client_metadata',
    });
    await expect(
      configuration.update(id, token, { ...SERVICE, client_id: id, client_secret: 'wrong' }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    // Nothing changed: the token still works.
    expect(configuration.read(id, token)).toMatchObject({ client_id: id });
  });

  it('issues a new secret when an update moves a keyed client to a secret method', async () => {
    const { register, configuration, issue } = setup();
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    };
    const created = await register.execute(await initialToken(issue), {
      ...SERVICE,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    });
    expect(created).not.toHaveProperty('client_secret');
    const id = created.client_id as string;
    const updated = await configuration.update(id, created.registration_access_token as string, {
      ...SERVICE,
      client_id: id,
    });
    expect(updated.client_secret).toEqual(expect.any(String));
    expect(updated).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic' });
  });

  it('never manages a client that was not registered here', async () => {
    const { configuration } = setup();
    expect(() => configuration.read('svc-configured', 'rat_x')).toThrow(
      expect.objectContaining({ status: 401, error: 'invalid_token' }),
    );
  });
});
