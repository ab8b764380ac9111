import { AnyLifecycleEvent } from '@app/events';

/** One line of the audit trail: who did what to which token or grant, and when. */
export interface AuditLine {
  readonly time: string;
  readonly type: string;
  /** The event's id: an auditor deduplicates on it (delivery is at least once). */
  readonly id: string;
  /** The envelope's subject: a jti, grant id, client id, session id or subject. */
  readonly subject: string;
  readonly client_id?: string;
  /** The user's subject identifier, when the event is about a user's token or session. */
  readonly sub?: string;
  readonly grant_id?: string;
  readonly reason?: string;
  /** `token.issued` v5: the external issuer and subject (the workload) the token was obtained with. */
  readonly federated_issuer?: string;
  readonly federated_subject?: string;
  /** `token.issued` v5 of a JWT-bearer grant: the identity provider of the user's assertion. */
  readonly idp?: string;
  /**
   * A token from a token exchange (RFC 8693): who acted for `sub`, the current actor first
   * (`act` subjects), and the `jti` of the token it was exchanged from.
   */
  readonly actors?: readonly string[];
  readonly exchanged_from?: string;
  /**
   * The trace of the request that wrote the event (its Kafka `traceparent` header), when the
   * writer traced it: the auditor's way from a line to the HTTP request in the tracing backend.
   */
  readonly trace_id?: string;
}

/** The payload fields an audit line copies; nothing else of `data` is ever printed. */
const COPIED = [
  'client_id',
  'sub',
  'grant_id',
  'reason',
  'federated_issuer',
  'federated_subject',
  'idp',
] as const;

/**
 * An event as one audit line. Events never carry a secret (opaque tokens appear only as their
 * digest), and the line takes even less: named identifiers only, no digest, no scope, no claim.
 */
export function auditLine(event: AnyLifecycleEvent, traceId?: string): AuditLine {
  const data = event.data as unknown as Readonly<Record<string, unknown>>;
  const line: Record<string, string | string[]> = {
    time: event.time,
    type: event.type,
    id: event.id,
    subject: event.subject,
  };
  for (const field of COPIED)
    if (typeof data[field] === 'string') line[field] = data[field] as string;
  if (typeof data.subject_jti === 'string') {
    line.actors = actorsOf(data.act);
    line.exchanged_from = data.subject_jti;
  }
  if (traceId !== undefined) line.trace_id = traceId;
  return line as unknown as AuditLine;
}

/** The subjects of a `token.issued` v6 `act` (the parser has checked its shape). */
function actorsOf(act: unknown): string[] {
  const subjects: string[] = [];
  for (let a = act as { sub: string; act?: unknown } | undefined; a; a = a.act as typeof a)
    subjects.push(a.sub);
  return subjects;
}
