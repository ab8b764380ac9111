import { ExchangeChainStore } from '@app/store';

let counter = 0;
const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++counter}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour every ExchangeChainStore adapter must have (in-memory and Redis run it alike).
 * Time is real (Redis keeps its own clock): lifetimes are short instead.
 */
export function describeExchangeChainContract(name: string, make: () => ExchangeChainStore): void {
  describe(`${name} exchange-chain store contract`, () => {
    let sut: ExchangeChainStore;
    beforeEach(() => {
      sut = make();
    });
    const inAMinute = () => Date.now() + 60_000;

    it('answers null for holders and children of a grant not revoked', async () => {
      const grant = unique('g');
      await expect(sut.hold(grant, 'ledger-app', inAMinute())).resolves.toBeNull();
      await expect(sut.link(grant, unique('x'), inAMinute())).resolves.toBeNull();
    });

    it('gives the revocation every holder and child, and keeps it for the latest deadline', async () => {
      const [grant, child] = [unique('g'), unique('x')];
      const late = Date.now() + 120_000;
      await sut.hold(grant, 'ledger-app', inAMinute());
      await sut.hold(grant, 'payments-app', late);
      await sut.hold(grant, 'ledger-app', inAMinute());
      await sut.link(grant, child, inAMinute());
      const node = await sut.revoke(grant, Date.now() + 30_000);
      expect([...node.holders].sort()).toEqual(['ledger-app', 'payments-app']);
      expect(node.children).toEqual([child]);
      expect(node.expiresAt).toBe(late);
    });

    it('answers a revocation to a holder or child added after it (a race, or a replay)', async () => {
      const grant = unique('g');
      const until = inAMinute();
      const node = await sut.revoke(grant, until);
      expect(node).toEqual({ holders: [], children: [], expiresAt: until });
      await expect(sut.hold(grant, 'ledger-app', until - 1000)).resolves.toBe(until);
      await expect(sut.link(grant, unique('x'), until - 1000)).resolves.toBe(until);
    });

    it('revokes a known grant only: an unknown one gets null and no entry (revokeKnown)', async () => {
      const [known, unknown] = [unique('g'), unique('g')];
      const until = inAMinute();
      await expect(sut.revokeKnown(unknown, until)).resolves.toBeNull();
      // Nothing was recorded: a later exchange of it is not answered a revocation.
      await expect(sut.revokedUntil(unknown)).resolves.toBeNull();
      await expect(sut.hold(unknown, 'ledger-app', until)).resolves.toBeNull();
      const child = unique('x');
      await sut.hold(known, 'ledger-app', until - 1000);
      await sut.link(known, child, until - 1000);
      await expect(sut.revokeKnown(known, until)).resolves.toEqual({
        holders: ['ledger-app'],
        children: [child],
        expiresAt: until,
      });
      await expect(sut.revokedUntil(known)).resolves.toBe(until);
    });

    it('answers until when a grant is revoked, null for one not revoked or unknown', async () => {
      const [grant, other] = [unique('g'), unique('g')];
      const until = inAMinute();
      await sut.hold(grant, 'ledger-app', until - 1000);
      await sut.hold(other, 'ledger-app', until);
      await expect(sut.revokedUntil(grant)).resolves.toBeNull();
      await sut.revoke(grant, until);
      await expect(sut.revokedUntil(grant)).resolves.toBe(until);
      await expect(sut.revokedUntil(other)).resolves.toBeNull();
      await expect(sut.revokedUntil(unique('g'))).resolves.toBeNull();
    });

    it('never shortens a revocation', async () => {
      const grant = unique('g');
      const long = Date.now() + 120_000;
      await sut.revoke(grant, long);
      const again = await sut.revoke(grant, inAMinute());
      expect(again.expiresAt).toBe(long);
      await expect(sut.hold(grant, 'c', inAMinute())).resolves.toBe(long);
    });

    it('records nothing already expired, and forgets a grant at its deadline', async () => {
      const grant = unique('g');
      await expect(sut.hold(grant, 'c', Date.now() - 1)).resolves.toBeNull();
      await sut.hold(grant, 'c', Date.now() + 300);
      await sut.revoke(grant, Date.now() + 300);
      await sleep(450);
      await expect(sut.hold(grant, 'c', inAMinute())).resolves.toBeNull();
      const node = await sut.revoke(unique('g'), inAMinute());
      expect(node.holders).toEqual([]);
    });

    describe("the exchange grants made from a client's tokens", () => {
      it("lists those first exchanged up to a time, each once, and only that client's", async () => {
        const [orders, other] = [unique('orders'), unique('other')];
        const [early, late, foreign] = [unique('xg'), unique('xg'), unique('xg')];
        const t0 = Date.now();
        await sut.noteExchangedFrom(orders, early, t0 - 2000, inAMinute());
        await sut.noteExchangedFrom(orders, early, t0 - 1000, inAMinute()); // exchanged again
        await sut.noteExchangedFrom(orders, late, t0 + 1000, inAMinute());
        await sut.noteExchangedFrom(other, foreign, t0 - 2000, inAMinute());
        await expect(sut.exchangedFrom(orders, t0)).resolves.toEqual([early]);
        await expect(sut.exchangedFrom(orders, t0 - 2000)).resolves.toEqual([early]);
        await expect(sut.exchangedFrom(orders, t0 - 2001)).resolves.toEqual([]);
        expect((await sut.exchangedFrom(orders, t0 + 1000)).sort()).toEqual([early, late].sort());
        await expect(sut.exchangedFrom(unique('nobody'), t0)).resolves.toEqual([]);
      });

      it("keeps a grant's first exchange and its last deadline, whatever the order", async () => {
        const orders = unique('orders');
        const grant = unique('xg');
        const t0 = Date.now();
        // The later exchange is applied first (a replay across partitions), and lives longer.
        await sut.noteExchangedFrom(orders, grant, t0 + 1000, Date.now() + 60_000);
        await sut.noteExchangedFrom(orders, grant, t0 - 1000, Date.now() + 300);
        await expect(sut.exchangedFrom(orders, t0)).resolves.toEqual([grant]);
        await sleep(450);
        // The first exchange's tokens expired, the later one's did not: still listed.
        await expect(sut.exchangedFrom(orders, t0)).resolves.toEqual([grant]);
      });

      it('records nothing already expired, and forgets a grant at its deadline', async () => {
        const orders = unique('orders');
        const [gone, short] = [unique('xg'), unique('xg')];
        const t0 = Date.now();
        await sut.noteExchangedFrom(orders, gone, t0, Date.now() - 1);
        await sut.noteExchangedFrom(orders, short, t0, Date.now() + 300);
        await expect(sut.exchangedFrom(orders, t0)).resolves.toEqual([short]);
        await sleep(450);
        await expect(sut.exchangedFrom(orders, t0)).resolves.toEqual([]);
        // A later write drops the expired grant (Redis: both sets), the new one listed alone.
        const next = unique('xg');
        await sut.noteExchangedFrom(orders, next, t0, inAMinute());
        await expect(sut.exchangedFrom(orders, Date.now())).resolves.toEqual([next]);
      });
    });
  });
}
