// HTTP for the propagation benchmark's driver: keep-alive connections (polling measures the
// replicas, not TCP handshakes) and timestamps taken with performance.now().
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request; resolves with { status, headers, body, sentAt, receivedAt }. A keep-alive socket
 * the server closed in between is retried once on a fresh one.
 */
function send(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}, retry = true) {
  const sentAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: text,
          sentAt,
          receivedAt: performance.now(),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', (e) => {
      if (retry && req.reusedSocket && e.code === 'ECONNRESET')
        return resolve(send(url, { method, headers, body, timeoutMs }, false));
      reject(e);
    });
    req.end(body);
  });
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

function closeConnections() {
  agent.destroy();
}

module.exports = { send, bearer, closeConnections };
