// One open-loop load run at a fixed rate, in its own process (pinned to the load core by the
// caller). Same input as load-worker.js plus `rate` (requests per second) and `warmup` (seconds
// at that rate before the recorded `duration`, default 1); same output line.
//
// Why not autocannon's own rate option: it runs each connection flat out until the second's
// quota is used, then pauses until the next second (bursts, not a rate), and it corrects for
// coordinated omission with a 1 ms expected interval whatever the rate. Here request i is due at
// start + i / rate; it goes out on the first free keep-alive connection, and its latency is
// counted from when it was due, so time spent waiting for a connection counts too.
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const spec = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const target = new URL(spec.url);
const TICK_MS = 1;

function requestBytes(i) {
  const headers = { ...spec.headers, ...spec.headerVariants?.[i % spec.headerVariants.length] };
  let body = spec.body ?? '';
  if (spec.bodies) body = spec.bodies[i % spec.bodies.length];
  if (spec.bearerTokens)
    headers.authorization = `Bearer ${spec.bearerTokens[i % spec.bearerTokens.length]}`;
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `host: ${target.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (spec.method !== 'GET') lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

// Requests are serialised ahead of the run: the generator's own work stays out of the latency.
const variants =
  spec.bodies?.length ?? spec.bearerTokens?.length ?? spec.headerVariants?.length ?? 1;
const requests = Array.from({ length: variants }, (_, i) => requestBytes(i));

const latencies = [];
let non2xx = 0;
/** Non-2xx answers by status, so that a failed round says what it got. */
const statuses = {};
/** Answers that came on a connection carrying no request, by status (see the 'data' handler). */
const unsolicited = {};
let answered = 0;
let sent = 0;
const backlog = []; // due times of requests waiting for a free connection
const idle = [];

let lost = 0;
let finished = false;

/**
 * One keep-alive connection: one request at a time, its response read by Content-Length (or
 * chunks). A connection the server closes is replaced; a request it was carrying is lost, and
 * counts as an error.
 */
function connect() {
  const socket = net.connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let dueAt = 0;
  let inFlight = false;
  let closing = false;
  const conn = {
    send(due) {
      dueAt = due;
      inFlight = true;
      socket.write(requests[sent++ % requests.length]);
    },
  };
  socket.on('connect', () => release(conn));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (inFlight) lost++;
    // A connection the server closed while it waited here (keep-alive or headers timeout) must
    // never be handed a request: it would be written to a closed socket and counted as lost.
    const waiting = idle.indexOf(conn);
    if (waiting >= 0) idle.splice(waiting, 1);
    if (!finished) connect();
  });
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const total = responseLength(head, buffered, end + 4);
    if (total === undefined || buffered.length < total) return;
    buffered = buffered.subarray(total);
    const status = Number(head.slice(9, 12));
    if (!inFlight) {
      // An answer to no request: the server closing a connection this generator opened and never
      // used (Node answers 408 to a connection that sent no request within its headersTimeout;
      // the services set 10 s, and a round lasts 11 s). Not an answer and not an error: the
      // connection is replaced when the server closes it.
      unsolicited[status] = (unsolicited[status] ?? 0) + 1;
      closing = true;
      socket.end();
      return;
    }
    inFlight = false;
    if (status < 200 || status > 299) {
      non2xx++;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    answered++;
    if (dueAt >= measuredFrom) latencies.push(performance.now() - dueAt);
    // The server means to close this one: the next request goes on another connection.
    closing ||= /\r\nconnection:\s*close/i.test(head);
    if (closing) socket.end();
    else release(conn);
  });
  return conn;
}

/** Where the response that starts `buffered` ends, or undefined while it is incomplete. */
function responseLength(head, buffered, bodyStart) {
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return bodyStart + Number(length[1]);
  // Node's own 408 (a connection that sent no request in time) is the head and `Connection:
  // close` alone: its body, if any, runs to the close, which ends this connection anyway.
  if (/\r\nconnection:\s*close/i.test(head) && !/\r\ntransfer-encoding:/i.test(head))
    return buffered.length;
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head))
    throw new Error(`a response with neither Content-Length nor chunks: ${head}`);
  // Chunked (no trailers): size line, data, CRLF, ... up to the zero-size chunk.
  for (let at = bodyStart; ;) {
    const lineEnd = buffered.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buffered.subarray(at, lineEnd).toString('latin1'), 16);
    const next = lineEnd + 2 + size + 2;
    if (size === 0) return next;
    if (buffered.length < next) return undefined;
    at = next;
  }
}

function release(conn) {
  const due = backlog.shift();
  if (due === undefined) idle.push(conn);
  else conn.send(due);
}

for (let i = 0; i < spec.connections; i++) connect();

const start = performance.now() + 200; // the connections are open by then
// The first `warmup` seconds run at the same rate but are not recorded: this process's own code
// and its new connections start cold, which showed as ~200 ms of slow answers from any server.
const warmup = spec.warmup ?? 1;
const measuredFrom = start + warmup * 1000;
const durationMs = spec.duration * 1000;
const total = Math.round(spec.rate * (warmup + spec.duration));
let scheduled = 0;

function tick() {
  // Latency counts from the tick that found a request due (or from its due time, when the tick
  // came early enough): the generator's own timer slack is not the server's.
  const now = performance.now();
  const dueCount = Math.min(total, Math.floor(((now - start) * spec.rate) / 1000) + 1);
  for (; scheduled < dueCount; scheduled++) {
    const due = Math.max(now, start + (scheduled * 1000) / spec.rate);
    // The connection idle longest (FIFO): with a stack, a rate that keeps two or three busy left
    // the rest idle past the server's keep-alive timeout (5 s), and a request sent on one just as
    // the server closed it was lost (2 lost in a full run's federated-credential round).
    const conn = idle.shift();
    if (conn) conn.send(due);
    else backlog.push(due);
  }
  if (scheduled < total) setTimeout(tick, TICK_MS);
  else waitForLast(now);
}

function waitForLast(lastDueAt) {
  const give = performance.now() - lastDueAt > 10_000;
  if (answered + lost < total && !give) return setTimeout(() => waitForLast(lastDueAt), 5);
  finished = true;
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
  const round = (ms) => Math.round(ms * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      rps: Math.round(latencies.length / (durationMs / 1000)),
      rate: spec.rate,
      p50_ms: round(at(0.5)),
      p99_ms: round(at(0.99)),
      max_ms: round(sorted[sorted.length - 1] ?? 0),
      requests: latencies.length,
      errors: non2xx + (total - answered),
      lost,
      statuses,
      unsolicited,
    }) + '\n',
  );
  process.exit(0);
}

setTimeout(tick, Math.max(0, start - performance.now()));
