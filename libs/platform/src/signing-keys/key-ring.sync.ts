import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { JWK } from 'jose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AnyLifecycleEvent, EVENT_BUS, EventBus, SIGNING_KEYS_TOPIC } from '@app/events';
import { SIGNING_KEY_STORE, SigningKeyStore, StoredSigningKey } from '@app/store';
import { KeyRing, KeySchedule, keySchedule, RuntimeKey, ScheduledKey } from '@app/tokens';
import { keyRetentionMs } from './key-retention';
import { KeyStepAnnouncer } from './key-step.announcer';

/** The longest a replica goes without reading the store: a missed event costs at most this. */
const MAX_POLL_MS = 30_000;

/**
 * Keeps this replica's key ring where the schedule says (libs/tokens key-schedule.ts), in every
 * service that holds one: issuance signs with it and serves it as the JWKS, introspection,
 * revocation and /userinfo verify with it. The ring is rebuilt from the signing-key store at
 * start, when a `key.rotated` event arrives, at each scheduled instant (a key activates, a key
 * leaves the JWKS), and at least every quarter of the pre-publication delay, so a replica that
 * missed an event still holds a new key well before it signs. The steps it reaches first are
 * announced (KeyStepAnnouncer), once across replicas; a removed runtime key is deleted.
 */
@Injectable()
export class KeyRingSync implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(KeyRingSync.name);
  private readonly retentionMs: number;
  private readonly pollMs: number;
  private poller: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<KeySchedule> | undefined;
  private queued: Promise<KeySchedule> | undefined;
  private closed = false;
  private failing = false;
  /**
   * Runtime keys that have signed, as last read: should the store lose them (a Redis that lost its
   * data: the store is their only record, no event carries them), tokens they signed must stay
   * verifiable and signing must not jump back to an older key, so they stay in the schedule until
   * it removes them.
   */
  private readonly signed = new Map<string, RuntimeKey>();
  private readonly reportedLost = new Set<string>();
  /** Runtime kids this ring could not import (another KEK?): logged once, never activated. */
  private readonly unusable = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ring: KeyRing,
    @Inject(SIGNING_KEY_STORE) private readonly store: SigningKeyStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly announcer: KeyStepAnnouncer,
  ) {
    this.retentionMs = keyRetentionMs(config);
    const quarter = (config.signingKeys.prepublicationSeconds * 1000) / 4;
    this.pollMs = Math.max(250, Math.min(MAX_POLL_MS, quarter));
  }

  async onModuleInit(): Promise<void> {
    // Before the first request: a restarted replica signs with the key the others sign with.
    await this.sync().catch((e: unknown) =>
      this.log.warn(`could not read the signing-key store: ${(e as Error).message}`),
    );
    this.poller = setInterval(() => void this.syncQuietly(), this.pollMs);
    this.poller.unref();
    // Every replica reads every rotation, with a reader of its own (deleted at close, as the
    // registry's is): the steps already on the log only ask for syncs, which queue into one.
    this.bus
      .follow(SIGNING_KEYS_TOPIC, (e) => this.onEvent(e))
      .catch((e: unknown) =>
        this.log.warn(`not following key rotations (polling only): ${(e as Error).message}`),
      );
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearInterval(this.poller);
    clearTimeout(this.timer);
  }

  /**
   * Where the keys stand now, the ring adjusted to it: one sync at a time, and the answer always
   * read after the call (a sync in flight may have read the store before the caller's change, so
   * one more is queued behind it, shared by every caller meanwhile).
   */
  sync(): Promise<KeySchedule> {
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<KeySchedule> {
    this.running = this.syncOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Not awaited: the event may come from this very sync's announcement (an in-process log hands
   * it over inside `publish`), and the store, not the event, is what the sync reads.
   */
  private onEvent(event: AnyLifecycleEvent): void {
    if (event.type === 'key.rotated') void this.syncQuietly();
  }

  /** A store or log down fails every poll: said when it starts failing and when it recovers. */
  private async syncQuietly(): Promise<void> {
    try {
      await this.sync();
      if (this.failing) this.log.log('signing-key sync recovered');
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.log.warn(`signing-key sync failed: ${(e as Error).message}`);
      this.failing = true;
    }
  }

  private async syncOnce(): Promise<KeySchedule> {
    const stored = (await this.store.list()).filter((k) => !this.unusable.has(k.kid));
    const now = Date.now();
    let schedule = keySchedule(this.ring.seeds(), stored, this.retentionMs, now);
    const imported = await this.importNew(stored, schedule);
    const known = this.withSigned(imported);
    schedule = keySchedule(this.ring.seeds(), known, this.retentionMs, now);
    this.rememberSigned(schedule, known);
    this.adjustRing(schedule);
    this.scheduleNext(schedule.nextChange);
    await this.announceSteps(schedule, now);
    return schedule;
  }

  /**
   * Signing moves first, then retired keys leave. A key the schedule says signs but this ring no
   * longer holds (a KEYS_FILE key already removed, the store having lost the runtime keys that
   * replaced it) is not brought back: the ring keeps the signer it has, and says so.
   */
  private adjustRing(schedule: KeySchedule): void {
    for (const kid of schedule.active.values()) {
      if (this.ring.has(kid)) this.ring.activate(kid);
      else
        this.log.error(
          `signing key ${kid} should sign but is no longer held: keeping the current key`,
        );
    }
    const signing = new Set(this.ring.algorithms().map((alg) => this.ring.signingKey(alg).kid));
    for (const { kid } of this.ring.publicJwks().keys)
      if (kid && !schedule.published.has(kid) && !signing.has(kid)) this.ring.withdraw(kid);
  }

  /** The stored keys, plus those that signed and are gone from the store (said once each). */
  private withSigned(stored: readonly StoredSigningKey[]): RuntimeKey[] {
    const kids = new Set(stored.map((k) => k.kid));
    const lost = [...this.signed.values()].filter((k) => !kids.has(k.kid));
    for (const { kid } of lost) {
      if (this.reportedLost.has(kid)) continue;
      this.reportedLost.add(kid);
      this.log.error(
        `signing key ${kid} has signed but is no longer in the signing-key store: kept until removed`,
      );
    }
    return [...stored, ...lost];
  }

  private rememberSigned(schedule: KeySchedule, keys: readonly RuntimeKey[]): void {
    for (const key of schedule.keys) {
      const runtime = keys.find((k) => k.kid === key.kid);
      if (!runtime || key.status === 'published') continue;
      if (key.status === 'removed') this.signed.delete(key.kid);
      else
        this.signed.set(key.kid, {
          kid: runtime.kid,
          alg: runtime.alg,
          createdAt: runtime.createdAt,
          activateAt: runtime.activateAt,
        });
    }
  }

  /** Adds the store's keys this ring lacks; answers the keys it holds. */
  private async importNew(
    stored: readonly StoredSigningKey[],
    schedule: KeySchedule,
  ): Promise<StoredSigningKey[]> {
    const held: StoredSigningKey[] = [];
    for (const key of stored) {
      if (!this.ring.has(key.kid) && schedule.published.has(key.kid)) {
        try {
          await this.ring.addRuntime(key.privateJwk as unknown as JWK);
        } catch (e) {
          this.unusable.add(key.kid);
          this.log.error(`signing key ${key.kid} cannot be used: ${(e as Error).message}`);
          continue;
        }
      }
      held.push(key);
    }
    return held;
  }

  private scheduleNext(at: number | undefined): void {
    clearTimeout(this.timer);
    if (at === undefined || this.closed) return;
    // setTimeout's limit is 2^31-1 ms (24.8 days); the poller covers anything further.
    const delay = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => void this.syncQuietly(), delay);
    this.timer.unref();
  }

  /** Each step this replica sees reached, announced unless another replica has. */
  private async announceSteps(schedule: KeySchedule, now: number): Promise<void> {
    for (const key of schedule.keys) {
      if (key.activateAt !== undefined && key.activateAt <= now)
        await this.announceOnce(key, 'activated');
      if (key.retireAt !== undefined && key.retireAt <= now)
        await this.announceOnce(key, 'retired');
      if (key.status !== 'removed') continue;
      await this.announcer.announce(key, 'removed');
      if (key.source === 'runtime' && successorRemoved(schedule, key))
        await this.store.delete(key.kid);
    }
  }

  private async announceOnce(key: ScheduledKey, step: 'activated' | 'retired'): Promise<void> {
    await this.announcer.announce(key, step);
  }
}

/**
 * A removed runtime key is forgotten only once the key after it is removed too: its activation
 * instant dates its predecessor's retirement, which must not move (and bring a removed key back
 * into a restarted replica's JWKS) while the predecessor could still be published.
 */
function successorRemoved(schedule: KeySchedule, key: ScheduledKey): boolean {
  return schedule.keys.some(
    (k) =>
      k.alg === key.alg &&
      k.kid !== key.kid &&
      k.activateAt === key.retireAt &&
      k.status === 'removed',
  );
}
