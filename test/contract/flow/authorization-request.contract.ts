import type { AuthorizationRequestStore } from '@app/store';
import {
  concurrently,
  Elapse,
  pendingRequest,
  unique,
  PAST_SHORT_TTL_MS,
  SHORT_TTL_MS,
} from './flow-fixtures';

export function describeAuthorizationRequestContract(
  make: () => AuthorizationRequestStore,
  elapse: Elapse,
): void {
  describe('AuthorizationRequestStore', () => {
    let sut: AuthorizationRequestStore;
    beforeEach(() => {
      sut = make();
    });

    it('finds a pending request by id, unchanged, and nothing for another id', async () => {
      const id = unique('req');
      const request = pendingRequest();
      await sut.save('pending', id, request, Date.now() + 60_000);
      await expect(sut.find('pending', id)).resolves.toEqual(request);
      await expect(sut.find('pending', unique('req'))).resolves.toBeNull();
    });

    it('keeps pushed and pending requests apart: an id of one is never found as the other', async () => {
      const id = unique('req');
      await sut.save('pushed', id, pendingRequest(), Date.now() + 60_000);
      await expect(sut.find('pending', id)).resolves.toBeNull();
      await expect(sut.take('pending', id)).resolves.toBeNull();
      await expect(sut.find('pushed', id)).resolves.not.toBeNull();
    });

    it('gives a pushed request to one take only (RFC 9126 §4: a request_uri is used once)', async () => {
      const id = unique('par');
      const request = pendingRequest({ responseMode: 'form_post', state: undefined });
      await sut.save('pushed', id, request, Date.now() + 60_000);
      await expect(sut.take('pushed', id)).resolves.toEqual(request);
      await expect(sut.take('pushed', id)).resolves.toBeNull();
      await expect(sut.find('pushed', id)).resolves.toBeNull();
    });

    it('lets exactly one of 20 concurrent takes have the request', async () => {
      const id = unique('par');
      await sut.save('pushed', id, pendingRequest(), Date.now() + 60_000);
      const taken = await concurrently(20, () => sut.take('pushed', id));
      expect(taken.filter((r) => r !== null)).toHaveLength(1);
    });

    it('forgets a request at its deadline, and does not keep one already past it', async () => {
      const id = unique('req');
      await sut.save('pending', id, pendingRequest(), Date.now() + SHORT_TTL_MS);
      await expect(sut.find('pending', id)).resolves.not.toBeNull();
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find('pending', id)).resolves.toBeNull();
      await expect(sut.take('pending', id)).resolves.toBeNull();
      const late = unique('req');
      await sut.save('pushed', late, pendingRequest(), Date.now() - 1);
      await expect(sut.find('pushed', late)).resolves.toBeNull();
    });
  });
}
