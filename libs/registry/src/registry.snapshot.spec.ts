import { parseRegistryFile } from '@app/config';
import { EventFactory } from '@app/events';
import { RegistrySnapshot } from './registry.snapshot';

const events = new EventFactory('urn:test:registry-log');
const API = 'https://api.example';
const OTHER = 'https://other.example';
const HASH =
  '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';

const seeded = () =>
  new RegistrySnapshot(
    parseRegistryFile({
      resources: [{ identifier: API, scopes: ['read'] }],
      clients: [{ client_id: 'seeded', client_secret_hash: HASH, scope: 'read', resources: [API] }],
    }),
  );
const client = (id: string, resources: string[], scope = 'read') =>
  events.create('client.updated', id, `client:${id}`, {
    client_id: id,
    client: { client_id: id, client_secret_hash: HASH, scope, resources },
  });
const resource = (identifier: string, scopes = ['read']) =>
  events.create('resource.registered', identifier, `resource:${identifier}`, {
    identifier,
    resource: { identifier, scopes },
  });

describe('RegistrySnapshot', () => {
  it('applies the log over CONFIG_FILE: a deleted seeded entry stays deleted', () => {
    const sut = seeded();
    sut.apply(events.create('client.deleted', 'seeded', 'client:seeded', { client_id: 'seeded' }));
    expect(sut.client('seeded')).toBeUndefined();
    expect(sut.hasClientId('seeded')).toBe(false);
  });

  it('parks a client read before its resource (compaction reorders keys) until the resource comes', () => {
    const sut = seeded();
    const seen: string[] = [];
    sut.onChange((c) => seen.push(`${c.kind} ${c.id} ${c.after ? 'live' : 'gone'}`));
    sut.apply(client('early', [OTHER]));
    expect(sut.client('early')).toBeUndefined();
    expect(sut.hasClientId('early')).toBe(true);
    sut.apply(resource(OTHER));
    expect(sut.client('early')?.config.resources).toEqual([OTHER]);
    expect(seen).toEqual([`resource ${OTHER} live`, 'client early live']);
  });

  it('parks a client whose resource is deleted under it, and brings it back with the resource', () => {
    const sut = seeded();
    sut.apply(resource(OTHER));
    sut.apply(client('svc', [OTHER]));
    sut.apply(events.create('resource.deleted', OTHER, `resource:${OTHER}`, { identifier: OTHER }));
    expect(sut.client('svc')).toBeUndefined();
    sut.apply(resource(OTHER));
    expect(sut.client('svc')).toBeDefined();
  });

  it('tells nothing when a resource change leaves its clients as they were', () => {
    const sut = seeded();
    const seen: string[] = [];
    sut.onChange((c) => seen.push(`${c.kind} ${c.id}`));
    sut.apply(resource(API, ['read', 'write']));
    expect(seen).toEqual([`resource ${API}`]);
  });

  it('holds the same state after the same event twice (at-least-once delivery)', () => {
    const sut = seeded();
    const event = client('twice', [API]);
    sut.apply(event);
    const once = sut.client('twice');
    sut.apply(event);
    expect(sut.client('twice')?.document).toEqual(once?.document);
    expect(sut.clients().filter((c) => c.config.clientId === 'twice')).toHaveLength(1);
  });

  it('keeps applying when a listener throws', () => {
    const sut = seeded();
    const seen: string[] = [];
    sut.onChange(() => {
      throw new Error('listener bug');
    });
    sut.onChange((c) => seen.push(c.id));
    sut.apply(resource(OTHER));
    expect(seen).toEqual([OTHER]);
    expect(sut.resource(OTHER)).toBeDefined();
  });

  it('refuses a client whose document names another id than its event', () => {
    const sut = seeded();
    const event = events.create('client.updated', 'a', 'client:a', {
      client_id: 'a',
      client: { client_id: 'b', client_secret_hash: HASH, resources: [API] },
    });
    sut.apply(event);
    expect(sut.client('a')).toBeUndefined();
    expect(sut.client('b')).toBeUndefined();
  });
});
