import {
  AuthorizationRequestKind,
  AuthorizationRequestStore,
  PendingAuthorizationRequest,
} from '../authorization-request.port';
import { ExpiringMap } from './expiring-map';

/** Kept as JSON, as Redis keeps them: a caller never shares an object with the store. */
export class MemoryAuthorizationRequestStore implements AuthorizationRequestStore {
  private readonly requests = new ExpiringMap<string>();

  async save(
    kind: AuthorizationRequestKind,
    id: string,
    request: PendingAuthorizationRequest,
    expiresAt: number,
  ): Promise<void> {
    this.requests.set(`${kind}:${id}`, JSON.stringify(request), expiresAt);
  }

  async find(
    kind: AuthorizationRequestKind,
    id: string,
  ): Promise<PendingAuthorizationRequest | null> {
    const raw = this.requests.get(`${kind}:${id}`);
    return raw === undefined ? null : (JSON.parse(raw) as PendingAuthorizationRequest);
  }

  async take(
    kind: AuthorizationRequestKind,
    id: string,
  ): Promise<PendingAuthorizationRequest | null> {
    const raw = this.requests.take(`${kind}:${id}`);
    return raw === undefined ? null : (JSON.parse(raw) as PendingAuthorizationRequest);
  }
}
