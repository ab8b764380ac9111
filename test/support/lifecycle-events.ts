import { createHash } from 'node:crypto';
import type { EventType, LifecycleEvent } from '@app/events';

/** The events published while `action` ran (specs run their tests one at a time). */
export async function eventsDuring<T>(
  source: { events(): LifecycleEvent[] },
  action: () => Promise<T>,
): Promise<{ result: T; events: LifecycleEvent[] }> {
  const before = source.events().length;
  const result = await action();
  return { result, events: source.events().slice(before) };
}

export function ofType<T extends EventType>(
  events: readonly LifecycleEvent[],
  type: T,
): LifecycleEvent<T>[] {
  return events.filter((e): e is LifecycleEvent<T> => e.type === type);
}

/** How an opaque token may appear on an event: base64url SHA-256, never the token itself. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The token.issued event of an opaque token, found by its digest. */
export function issuedEventOfOpaque(
  events: readonly LifecycleEvent[],
  token: string,
): LifecycleEvent<'token.issued'> | undefined {
  return ofType(events, 'token.issued').find((e) => e.data.token_digest === tokenDigest(token));
}

/** DESIGN "Events for auditors": no event ever carries a raw token. */
export function expectNoEventContains(events: readonly LifecycleEvent[], token: string): void {
  const carriers = events.filter((e) => JSON.stringify(e).includes(token));
  expect(carriers.map((e) => `${e.type} ${e.id}`)).toEqual([]);
}

/** The CloudEvents 1.0 envelope every lifecycle event must have. */
export function expectCloudEvent(event: LifecycleEvent | undefined, type: EventType): void {
  expect(event).toMatchObject({
    specversion: '1.0',
    id: expect.stringMatching(/\S/),
    source: expect.stringMatching(/\S/),
    type,
    subject: expect.stringMatching(/\S/),
    data: expect.any(Object),
  });
  expect(Number.isNaN(Date.parse(event!.time))).toBe(false);
}
