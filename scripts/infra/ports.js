'use strict';
/** Free local ports for the engines started here. */
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');

/**
 * Free 127.0.0.1 ports, chosen below the kernel's ephemeral range on purpose:
 * while a server is stopped for an outage test, its port must not be taken as
 * the source port of some outgoing connection (or a TCP self-connect of a
 * client retrying against it), or the restart fails with EADDRINUSE.
 */
async function pickFreePorts(count) {
  const [ephemeralLow] = ephemeralPortRange();
  const low = 20_000;
  const held = [];
  try {
    for (let attempt = 0; held.length < count && attempt < 200; attempt++) {
      const port = ephemeralLow > low + 1_000 ? low + crypto.randomInt(ephemeralLow - low) : 0;
      const server = await listenOn(port);
      if (server) held.push(server);
    }
    if (held.length < count) throw new Error(`could not find ${count} free TCP ports`);
    return held.map((server) => server.address().port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function ephemeralPortRange() {
  try {
    const text = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    return text.trim().split(/\s+/).map(Number);
  } catch {
    return [49152, 65535]; // IANA range (macOS and others)
  }
}

function listenOn(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

module.exports = { pickFreePorts, ephemeralPortRange };
