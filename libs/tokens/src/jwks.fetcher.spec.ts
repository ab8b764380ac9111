import { fetchJwks, JwksFetchFailed, jwksUrlRefusal } from './jwks.fetcher';

const KEY = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a' };
const SET = JSON.stringify({ keys: [KEY] });

/** An injected fetch answering with `answer(url)`, recording every URL it was asked for. */
function fakeFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const urls: string[] = [];
  const fn = jest.fn(async (input: string | URL | Request, init?: RequestInit) => {
    urls.push(String(input));
    return answer(String(input), init ?? {});
  });
  return { fetch: fn as unknown as typeof fetch, urls };
}

/** A body that sends its headers, then `chunks`, then stalls forever; notes its cancellation. */
function stallingBody(chunks: Uint8Array[] = []) {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

describe('fetchJwks', () => {
  afterEach(() => jest.useRealTimers());

  it('answers the keys of a JWK Set', async () => {
    const { fetch } = fakeFetch(() => new Response(SET));
    await expect(fetchJwks('https://client.example/jwks', { fetch })).resolves.toEqual([KEY]);
  });

  describe('one deadline for the whole fetch', () => {
    it('ends a fetch whose host sends headers and then stalls the body', async () => {
      jest.useFakeTimers();
      const stall = stallingBody([new TextEncoder().encode('{"keys":[')]);
      const { fetch } = fakeFetch(() => new Response(stall.body, { status: 200 }));
      const sut = fetchJwks('https://client.example/jwks', { fetch, timeoutMs: 1500 });
      const outcome = sut.then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await jest.advanceTimersByTimeAsync(1499);
      await expect(Promise.race([outcome, 'pending'])).resolves.toBe('pending');
      await jest.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect(error).toBeInstanceOf(JwksFetchFailed);
      expect((error as Error).message).toMatch(/within 1500 ms/);
      expect(stall.cancelled()).toBe(true);
    });

    it('ends a fetch whose host never answers, aborting the request', async () => {
      jest.useFakeTimers();
      let signal: AbortSignal | undefined;
      const { fetch } = fakeFetch((_url, init) => {
        signal = init.signal ?? undefined;
        return new Promise<Response>(() => undefined);
      });
      const sut = fetchJwks('https://client.example/jwks', { fetch, timeoutMs: 1000 });
      const settled = expect(sut).rejects.toThrow(JwksFetchFailed);
      await jest.advanceTimersByTimeAsync(1000);
      await settled;
      expect(signal?.aborted).toBe(true);
    });
  });

  describe('size cap', () => {
    it('aborts a body that grows past the cap while it streams', async () => {
      let pulled = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024).fill(32));
        },
      });
      const { fetch } = fakeFetch(() => new Response(endless));
      await expect(
        fetchJwks('https://client.example/jwks', { fetch, maxBytes: 8 * 1024 }),
      ).rejects.toThrow(/exceeds 8192 bytes/);
      expect(pulled).toBeLessThan(16);
    });

    it('refuses an announced length past the cap without reading the body', async () => {
      const stall = stallingBody();
      const { fetch } = fakeFetch(
        () => new Response(stall.body, { headers: { 'content-length': String(65 * 1024) } }),
      );
      await expect(fetchJwks('https://client.example/jwks', { fetch })).rejects.toThrow(
        /exceeds 65536 bytes/,
      );
      expect(stall.cancelled()).toBe(true);
    });

    it('accepts a set just under the cap', async () => {
      const padded = JSON.stringify({ keys: [KEY], pad: 'p'.repeat(1000) });
      const { fetch } = fakeFetch(() => new Response(padded));
      await expect(
        fetchJwks('https://client.example/jwks', { fetch, maxBytes: padded.length }),
      ).resolves.toEqual([KEY]);
    });
  });

  describe('scheme', () => {
    it.each([
      ['http on another host', 'http://client.example/jwks', 'loopback'],
      ['http on loopback when development is not declared', 'http://127.0.0.1:8080/jwks', 'refuse'],
      ['a host that only starts like localhost', 'http://localhost.evil.example/jwks', 'loopback'],
      ['another scheme', 'file:///etc/passwd', 'allow'],
    ] as const)('refuses %s without fetching', async (_case, url, http) => {
      const { fetch, urls } = fakeFetch(() => new Response(SET));
      await expect(fetchJwks(url, { fetch, http })).rejects.toThrow(JwksFetchFailed);
      expect(urls).toEqual([]);
    });

    it.each([
      ['https anywhere', 'https://client.example/jwks', 'refuse'],
      ['http on 127.0.0.1 in development', 'http://127.0.0.1:8080/jwks', 'loopback'],
      ['http on localhost in development', 'http://localhost:8080/jwks', 'loopback'],
      ['http on [::1] in development', 'http://[::1]:8080/jwks', 'loopback'],
      ['http anywhere when the operator allows it', 'http://issuance:3001/jwks', 'allow'],
    ] as const)('allows %s', (_case, url, http) => {
      expect(jwksUrlRefusal(new URL(url), http)).toBeUndefined();
    });
  });

  describe('redirects', () => {
    const redirect = (location: string) =>
      new Response(null, { status: 302, headers: { location } });

    it('refuses a redirect to another host', async () => {
      const { fetch, urls } = fakeFetch((url) =>
        url.startsWith('https://client.example')
          ? redirect('https://evil.example/jwks')
          : new Response(SET),
      );
      await expect(fetchJwks('https://client.example/jwks', { fetch })).rejects.toThrow(
        /another origin/,
      );
      expect(urls).toEqual(['https://client.example/jwks']);
    });

    it('refuses a redirect from https to http on the same host', async () => {
      const { fetch, urls } = fakeFetch(() => redirect('http://client.example/jwks'));
      await expect(
        fetchJwks('https://client.example/jwks', { fetch, http: 'allow' }),
      ).rejects.toThrow(/another origin/);
      expect(urls).toHaveLength(1);
    });

    it('follows a redirect within the same origin', async () => {
      const { fetch, urls } = fakeFetch((url) =>
        url.endsWith('/jwks') ? redirect('/keys/current') : new Response(SET),
      );
      await expect(fetchJwks('https://client.example/jwks', { fetch })).resolves.toEqual([KEY]);
      expect(urls).toEqual(['https://client.example/jwks', 'https://client.example/keys/current']);
    });

    it('gives up after two redirects', async () => {
      let n = 0;
      const { fetch, urls } = fakeFetch(() => redirect(`/hop${++n}`));
      await expect(fetchJwks('https://client.example/jwks', { fetch })).rejects.toThrow(
        /redirected too often/,
      );
      expect(urls).toHaveLength(3);
    });

    it('asks fetch not to follow redirects itself', async () => {
      const { fetch } = fakeFetch((_url, init) => {
        expect(init.redirect).toBe('manual');
        return new Response(SET);
      });
      await fetchJwks('https://client.example/jwks', { fetch });
    });
  });

  it.each([
    ['a connection error', () => Promise.reject(new TypeError('fetch failed'))],
    ['a 404', () => new Response('not here', { status: 404 })],
    ['a body that is not JSON', () => new Response('<html>')],
    ['a body without a keys array', () => new Response('{"keys":{}}')],
  ])('reports %s as JwksFetchFailed', async (_case, answer) => {
    const { fetch } = fakeFetch(answer);
    await expect(fetchJwks('https://client.example/jwks', { fetch })).rejects.toThrow(
      JwksFetchFailed,
    );
  });
});
