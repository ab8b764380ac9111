import { Logger } from '@nestjs/common';
import { EventFactory } from '../event-envelope';
import { TOKEN_LIFECYCLE_TOPIC } from '../topics';
import {
  LifecycleEventDeserializer,
  SKIPPED_LIFECYCLE_MESSAGE,
} from './lifecycle-event.deserializer';

const factory = new EventFactory('urn:token-lifecycle:unit:deserializer');
const revoked = factory.create('token.revoked', 'jti-1', 'client-a', {
  jti: 'jti-1',
  client_id: 'client-a',
  exp: 2_000_000_000,
  revoked_by: 'client-a',
});
/** A record as ServerKafka hands it over: kafkajs message plus topic and partition. */
const record = (value: unknown) => ({
  value,
  topic: TOKEN_LIFECYCLE_TOPIC,
  partition: 2,
  offset: '41',
});
const options = { channel: TOKEN_LIFECYCLE_TOPIC };

describe('LifecycleEventDeserializer', () => {
  let warnings: string[];
  let sut: LifecycleEventDeserializer;

  beforeEach(() => {
    warnings = [];
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
    sut = new LifecycleEventDeserializer();
  });

  afterEach(() => jest.restoreAllMocks());

  it('hands an event on under its topic, parsed (raw bytes: parser keepBinary)', () => {
    const packet = sut.deserialize(record(Buffer.from(JSON.stringify(revoked))), options);
    expect(packet).toEqual({ pattern: TOKEN_LIFECYCLE_TOPIC, data: revoked });
    expect(sut.skippedCount()).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("reads a value Nest's default parser already turned into text or an object", () => {
    const json = JSON.stringify(revoked);
    expect(sut.deserialize(record(json), options).data).toEqual(revoked);
    expect(sut.deserialize(record(JSON.parse(json)), options).data).toEqual(revoked);
  });

  it('takes the topic from the record when no channel is given', () => {
    const packet = sut.deserialize(record(Buffer.from(JSON.stringify(revoked))));
    expect(packet.pattern).toBe(TOKEN_LIFECYCLE_TOPIC);
  });

  it.each([
    ['json', Buffer.from('{"id": "x", "data": {"token": "rt_secret-value"')],
    ['json', null],
    ['envelope', Buffer.from('[1, 2]')],
    ['unknown_type', Buffer.from(JSON.stringify({ ...revoked, type: 'token.minted' }))],
    [
      'schema_version',
      Buffer.from(
        JSON.stringify({ ...revoked, dataschema: 'urn:token-lifecycle:schema:token.revoked:v9' }),
      ),
    ],
    ['data', Buffer.from(JSON.stringify({ ...revoked, data: { ...revoked.data, jti: 7 } }))],
  ])(
    'skips a record that is not a lifecycle event (%s): counted, logged once, no throw',
    (reason, value) => {
      const packet = sut.deserialize(record(value), options);
      expect(packet).toEqual({
        pattern: SKIPPED_LIFECYCLE_MESSAGE,
        data: expect.objectContaining({
          topic: TOKEN_LIFECYCLE_TOPIC,
          partition: 2,
          offset: '41',
          reason,
        }),
      });
      expect(sut.skippedCount()).toBe(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        `skipped malformed event ${TOKEN_LIFECYCLE_TOPIC}/2@41: ${reason}`,
      );
    },
  );

  it('never logs the skipped value (it may hold a secret)', () => {
    sut.deserialize(record(Buffer.from('{"refresh_token": "rt_secret-value"')), options);
    expect(warnings.join('\n')).not.toContain('rt_secret-value');
  });

  it('never hands a skipped record on under a topic a handler listens to', () => {
    const packet = sut.deserialize(record(Buffer.from('not json')), options);
    expect(packet.pattern).not.toBe(TOKEN_LIFECYCLE_TOPIC);
  });
});
