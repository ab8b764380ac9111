import { unreadyWindows } from './readiness-watch';

describe('unreadyWindows', () => {
  const samples = (...pairs: [number, boolean][]) => pairs.map(([at, ready]) => ({ at, ready }));

  it('sums the unready time after the fault and says when it ended', () => {
    const windows = unreadyWindows(
      new Map([
        [
          'issuance',
          samples([900, false], [1000, true], [1100, false], [1200, false], [1300, true]),
        ],
        ['introspection', samples([1000, true], [1100, true])],
      ]),
      1000,
    );
    expect(windows).toEqual({
      issuance: { unreadyMs: 200, endedAfterFaultMs: 300 },
      introspection: { unreadyMs: 0, endedAfterFaultMs: 0 },
    });
  });

  it('a service unready at its last sample ends there', () => {
    const windows = unreadyWindows(new Map([['x', samples([1000, true], [1500, false])]]), 1000);
    expect(windows.x).toEqual({ unreadyMs: 0, endedAfterFaultMs: 500 });
  });
});
