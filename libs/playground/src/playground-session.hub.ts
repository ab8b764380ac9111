import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AnyLifecycleEvent, EVENT_BUS, EventBus } from '@app/events';

/** What one browser session proved it holds: the grants and tokens whose events it may see. */
interface PlaygroundSession {
  readonly grants: Set<string>;
  readonly jtis: Set<string>;
  readonly listeners: Set<(event: AnyLifecycleEvent) => void>;
  lastSeen: number;
}

/** A session nobody listened to or registered with for this long is forgotten. */
const IDLE_MS = 30 * 60 * 1000;
/** Sessions kept at most: the playground is a developer tool, not a multi-tenant service. */
const MAX_SESSIONS = 1000;
/**
 * Recent events kept to hand a session what happened just before it registered a token: the
 * grant's `grant.created` and `token.issued` are acknowledged before the token response leaves.
 */
const RECENT = 200;

/**
 * The live-events pane's server side (README "Playground"). Every event of the bus passes
 * here; a session receives only those naming a grant or `jti` it registered, and it registers
 * one only by presenting a token the server verified (PlaygroundSessionRegistrar): knowing an
 * id is not enough, holding its token is.
 */
@Injectable()
export class PlaygroundSessionHub {
  private following = false;
  private readonly log = new Logger(PlaygroundSessionHub.name);
  private readonly sessions = new Map<string, PlaygroundSession>();
  private readonly recent: AnyLifecycleEvent[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /**
   * Follows the bus from the first session on, not from start: a service whose playground is
   * never opened (every production one) adds no subscriber to the path of every event.
   */
  private follow(): void {
    if (!this.config.playground || this.following) return;
    this.following = true;
    // Its own consumer group per process: every replica sees every event (Kafka). The page
    // opens its session when it loads, long before it obtains a token.
    const group = `playground-${randomBytes(8).toString('hex')}`;
    this.bus
      .subscribe({ group }, (event) => this.dispatch(event))
      .catch((e: unknown) => this.log.error(`playground events unavailable: ${String(e)}`));
  }

  open(): string {
    this.follow();
    this.forgetIdle();
    if (this.sessions.size >= MAX_SESSIONS)
      this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, {
      grants: new Set(),
      jtis: new Set(),
      listeners: new Set(),
      lastSeen: Date.now(),
    });
    return id;
  }

  /** Whether the session is open: known, and listened to or used within its idle lifetime. */
  isOpen(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && !isIdle(session, Date.now());
  }

  /** Marks an open session as used now; false when it is not open. */
  touch(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session || isIdle(session, Date.now())) return false;
    session.lastSeen = Date.now();
    return true;
  }

  /** Adds what a verified token names; replays the recent events that match it. */
  register(id: string, ids: { jti: string; grantId?: string }): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    session.lastSeen = Date.now();
    const fresh = !session.jtis.has(ids.jti) && !(ids.grantId && session.grants.has(ids.grantId));
    session.jtis.add(ids.jti);
    if (ids.grantId) session.grants.add(ids.grantId);
    if (fresh) {
      const matches = (e: AnyLifecycleEvent) =>
        namesOf(e).some((n) => n === ids.jti || (ids.grantId !== undefined && n === ids.grantId));
      for (const event of this.recent.filter(matches)) this.emit(session, event);
    }
    return true;
  }

  /** Streams the session's events to `listener` until the returned function is called. */
  listen(id: string, listener: (event: AnyLifecycleEvent) => void): (() => void) | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    session.listeners.add(listener);
    return () => {
      session.listeners.delete(listener);
      session.lastSeen = Date.now();
    };
  }

  private dispatch(event: AnyLifecycleEvent): void {
    // Without a session nothing can ever ask for this event (a page registers its ids only after
    // opening one), and keeping events would retain every token issued: each one outliving two
    // scavenges is promoted, the old-generation churn the memory bus keeps its log short to avoid.
    if (this.sessions.size === 0) return;
    this.recent.push(event);
    if (this.recent.length > RECENT) this.recent.shift();
    const names = namesOf(event);
    for (const session of this.sessions.values())
      if (names.some((n) => session.grants.has(n) || session.jtis.has(n)))
        this.emit(session, event);
  }

  private emit(session: PlaygroundSession, event: AnyLifecycleEvent): void {
    for (const listener of session.listeners) listener(event);
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (isIdle(s, now)) this.sessions.delete(id);
  }
}

const isIdle = (s: PlaygroundSession, now: number) =>
  s.listeners.size === 0 && s.lastSeen < now - IDLE_MS;

/** The grant and token ids an event is about (libs/events/src/topics.ts). */
export function namesOf(event: AnyLifecycleEvent): string[] {
  const data = event.data as unknown as Record<string, unknown>;
  return [data.grant_id, data.jti].filter((v): v is string => typeof v === 'string');
}
