import type { AppConfig } from '@app/config';
import { LoadShedder } from './load-shedder';

const shedder = (lagMs: number) =>
  new LoadShedder({ loadShedding: { lagMs, retryAfterSeconds: 2 } } as Pick<
    AppConfig,
    'loadShedding'
  >);

describe('LoadShedder', () => {
  it('sheds from the first sample at the bound', () => {
    const sut = shedder(100);
    sut.observe(99);
    expect(sut.shedding).toBe(false);
    sut.observe(100);
    expect(sut.shedding).toBe(true);
    expect(sut.lagMs).toBe(100);
  });

  it('stops only after three samples in a row under half the bound (hysteresis)', () => {
    const sut = shedder(100);
    sut.observe(150);
    // Under the bound but over half of it: still shedding, however long it lasts.
    for (let i = 0; i < 5; i++) sut.observe(60);
    expect(sut.shedding).toBe(true);
    sut.observe(10);
    sut.observe(10);
    // A relapse to the bound starts the count of calm samples again.
    sut.observe(120);
    sut.observe(10);
    sut.observe(10);
    expect(sut.shedding).toBe(true);
    sut.observe(10);
    expect(sut.shedding).toBe(false);
  });

  it('is off, with no timer, when the bound is 0', () => {
    const sut = shedder(0);
    expect(sut.enabled).toBe(false);
    const spy = jest.spyOn(global, 'setInterval');
    sut.onModuleInit();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('notices a blocked event loop through its timer', async () => {
    const sut = shedder(30);
    sut.onModuleInit();
    try {
      const until = Date.now() + 120;
      while (Date.now() < until); // blocks the loop, as a long synchronous task would
      await new Promise((r) => setTimeout(r, 20));
      expect(sut.shedding).toBe(true);
      // Calm again within a few samples (polled: a busy machine may add lag of its own).
      for (let i = 0; i < 100 && sut.shedding; i++) await new Promise((r) => setTimeout(r, 20));
      expect(sut.shedding).toBe(false);
    } finally {
      sut.onApplicationShutdown();
    }
  });
});
