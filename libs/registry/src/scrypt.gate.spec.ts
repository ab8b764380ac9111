import { ScryptGate, SecretCheckBusy } from './scrypt.gate';

/** A task that finishes when the test says so, recording that it started. */
function pending(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const task = () => {
    started.push(name);
    return done.then(() => name);
  };
  return { task, finish };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('ScryptGate', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order', async () => {
    const sut = new ScryptGate(2, 10);
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => pending(started, n));
    const results = [a!, b!, c!, d!].map((t) => sut.run(t.task));
    await flush();
    expect(started).toEqual(['a', 'b']);
    b!.finish();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    a!.finish();
    c!.finish();
    d!.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses a task when the line is full, without starting it', async () => {
    const sut = new ScryptGate(1, 1);
    const started: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => pending(started, n));
    const first = sut.run(a!.task);
    const second = sut.run(b!.task);
    await expect(sut.run(c!.task)).rejects.toBeInstanceOf(SecretCheckBusy);
    a!.finish();
    b!.finish();
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
    expect(started).toEqual(['a', 'b']);
  });

  it('frees the slot of a task that fails', async () => {
    const sut = new ScryptGate(1, 0);
    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run(async () => 'next')).resolves.toBe('next');
  });
});
