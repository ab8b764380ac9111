'use strict';
const net = require('net');
const { ephemeralPortRange, pickFreePorts } = require('./ports');

describe('pickFreePorts', () => {
  it('returns distinct ports below the ephemeral range that can be listened on', async () => {
    const ports = await pickFreePorts(4);
    expect(new Set(ports).size).toBe(4);
    const [low] = ephemeralPortRange();
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      if (low > 21_000) expect(port).toBeLessThan(low);
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: '127.0.0.1' }, resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads the kernel range as two numbers', () => {
    const [low, high] = ephemeralPortRange();
    expect(Number.isInteger(low) && Number.isInteger(high) && low < high).toBe(true);
  });
});
