import { randomUUID } from 'node:crypto';
import { EventCatalogue, EventType, SchemaVersion, schemaVersionOf } from './topics';

/** A CloudEvents 1.0 JSON envelope (structured mode). */
export interface LifecycleEvent<T extends EventType = EventType> {
  readonly specversion: '1.0';
  /** Unique per event: consumers deduplicate on it. */
  readonly id: string;
  /** `urn:token-lifecycle:<service>:<instance>`. */
  readonly source: string;
  readonly type: T;
  readonly time: string;
  /** What the event is about: a jti, a grant id, a client id, a session id or a key id. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  /**
   * Kafka message key, which keeps its order: the grant, or the client when there is no grant;
   * a browser session's events (no grant) by its `sid`; key rotations by `kid`.
   */
  readonly partitionkey: string;
  readonly data: EventCatalogue[T];
}

/** Any event, discriminated by `type`: checking `type` narrows `data`. */
export type AnyLifecycleEvent = { [T in EventType]: LifecycleEvent<T> }[EventType];

export const dataSchemaOf = <T extends EventType>(type: T, version: SchemaVersion<T>) =>
  `urn:token-lifecycle:schema:${type}:${version}`;

/** Builds envelopes stamped with this process as their source. */
export class EventFactory {
  constructor(readonly source: string) {}

  create<T extends EventType>(
    type: T,
    subject: string,
    partitionKey: string,
    data: EventCatalogue[T],
  ): LifecycleEvent<T> {
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: this.source,
      type,
      time: new Date().toISOString(),
      subject,
      datacontenttype: 'application/json',
      // The payload decides its version (topics.ts): a v1 reader keeps every event it can read.
      dataschema: dataSchemaOf(type, schemaVersionOf(type, data)),
      partitionkey: partitionKey,
      data,
    };
  }
}
