#!/usr/bin/env node
// `npm run admin -- <command> …`: a small client of the admin API (docs/openapi.yaml)
// for operators' terminals and scripts. Clients and resources in CONFIG_FILE's JSON shape,
// signing keys, bulk revocation, initial access tokens for dynamic client registration.
// Plain Node (global fetch), no dependency. Exit codes: 0 done; 1 the server refused (4xx/5xx,
// its error shown); 2 usage error (nothing sent); 3 the server could not be reached.
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');

const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 };

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

const GLOBAL_USAGE = `Usage: npm run admin -- [options] <command> [arguments]

Commands:
  clients list | get <client_id> | create --file F | update <client_id> --file F | delete <client_id>
          | rotate-secret <client_id> [--overlap-seconds N]
  resources list | get <identifier> | create --file F | update <identifier> --file F
            | delete <identifier>
  keys list | rotate [--alg ES256|EdDSA|RS256|PS256]
  revoke client <client_id> | grant <grant_id> | subject <subject>
  initial-access-token create [--expires-in SECONDS] [--uses N]

Options:
  --url URL              the admin API's base URL (ADMIN_URL; default http://localhost:3000)
  --client-id ID         an admin client's id (ADMIN_CLIENT_ID)
  --client-secret S      its secret (ADMIN_CLIENT_SECRET; prefer the variable: flags show in ps)
  --json                 print the server's JSON answer as is (one line), errors included
  --timeout MS           give up on the server after MS milliseconds (default 10000)
  -h, --help             this help; "<command> --help" for a command's

Documents (--file) are JSON in CONFIG_FILE's shape; "--file -" reads standard input.
Exit codes: 0 done, 1 the server refused (4xx/5xx: its error is shown), 2 usage error,
3 the server could not be reached.`;

/** One entry per command: its usage, its own options, and the request it makes. */
const COMMANDS = {
  clients: collection('clients', 'client_id', 'a client', {
    usage: `
       npm run admin -- clients rotate-secret <client_id> [--overlap-seconds N]

rotate-secret  a new secret, shown once (POST /admin/clients/{client_id}/secret); the old one
               is still accepted for --overlap-seconds (default 0: refused at once)`,
    options: { 'overlap-seconds': { type: 'string' } },
    request: {
      'rotate-secret': (one, opts) =>
        opts.file === undefined && {
          method: 'POST',
          path: `${one}/secret`,
          body: {
            overlap_seconds:
              opts['overlap-seconds'] === undefined
                ? 0
                : wholeNumber(opts['overlap-seconds'], '--overlap-seconds'),
          },
        },
    },
  }),
  resources: collection('resources', 'identifier', 'a resource (an API)'),
  keys: {
    usage: `Usage: npm run admin -- keys list
       npm run admin -- keys rotate [--alg ES256|EdDSA|RS256|PS256]

list     the signing keys: kid, alg, status (GET /admin/keys)
rotate   create a key, published at once, signing after the pre-publication delay
         (POST /admin/keys/rotate); --alg the algorithm of the key to rotate`,
    options: { alg: { type: 'string' } },
    request(args, opts) {
      const [action, ...rest] = args;
      if (action === 'list' && rest.length === 0) return { method: 'GET', path: '/admin/keys' };
      if (action === 'rotate' && rest.length === 0)
        return {
          method: 'POST',
          path: '/admin/keys/rotate',
          body: opts.alg === undefined ? {} : { alg: opts.alg },
        };
      return undefined;
    },
  },
  revoke: {
    usage: `Usage: npm run admin -- revoke client <client_id>
       npm run admin -- revoke grant <grant_id>
       npm run admin -- revoke subject <subject>

Revokes every token of a client, of a grant, or of a subject (every client), at once on every
replica (POST /admin/revocations).`,
    options: {},
    request(args) {
      const [kind, id, ...rest] = args;
      const field = { client: 'client_id', grant: 'grant_id', subject: 'subject' }[kind];
      if (!field || id === undefined || rest.length > 0) return undefined;
      return { method: 'POST', path: '/admin/revocations', body: { [field]: id } };
    },
  },
  'initial-access-token': {
    usage: `Usage: npm run admin -- initial-access-token create [--expires-in SECONDS] [--uses N]

An initial access token for dynamic client registration (RFC 7591 §3): give it to whoever
registers clients at POST /oauth2/register as "Authorization: Bearer <token>". It is shown once.
--expires-in  its lifetime (default INITIAL_ACCESS_TOKEN_TTL_SECONDS on the server)
--uses        how many clients it may register (default 1)`,
    options: { 'expires-in': { type: 'string' }, uses: { type: 'string' } },
    request(args, opts) {
      if (args.length !== 1 || args[0] !== 'create') return undefined;
      const body = {};
      if (opts['expires-in'] !== undefined)
        body.expires_in = wholeNumber(opts['expires-in'], '--expires-in');
      if (opts.uses !== undefined) body.uses = wholeNumber(opts.uses, '--uses');
      return { method: 'POST', path: '/admin/initial-access-tokens', body };
    },
  },
};

/** The five commands of a collection of documents (`clients`, `resources`). */
function collection(name, idField, what, extra = {}) {
  return {
    usage: `Usage: npm run admin -- ${name} list
       npm run admin -- ${name} get <${idField}>
       npm run admin -- ${name} create --file FILE
       npm run admin -- ${name} update <${idField}> --file FILE
       npm run admin -- ${name} delete <${idField}>${extra.usage ?? ''}

Manages ${what} through GET|POST /admin/${name} and GET|PUT|DELETE /admin/${name}/{${idField}},
in CONFIG_FILE's JSON shape. --file - reads the document from standard input. A created
client's secret is shown once.`,
    options: { file: { type: 'string' }, ...(extra.options ?? {}) },
    request(args, opts) {
      const [action, id, ...rest] = args;
      if (rest.length > 0) return undefined;
      const one = id === undefined ? undefined : `/admin/${name}/${encodeURIComponent(id)}`;
      if (extra.request && action in extra.request) return one && extra.request[action](one, opts);
      const stray = Object.keys(extra.options ?? {}).some((o) => opts[o] !== undefined);
      const needsFile = action === 'create' || action === 'update';
      if (stray || (!needsFile && opts.file !== undefined)) return undefined;
      if (action === 'list' && !one) return { method: 'GET', path: `/admin/${name}` };
      if (action === 'get' && one) return { method: 'GET', path: one };
      if (action === 'delete' && one) return { method: 'DELETE', path: one };
      if (action === 'create' && !one)
        return { method: 'POST', path: `/admin/${name}`, body: documentFrom(opts.file) };
      if (action === 'update' && one)
        return { method: 'PUT', path: one, body: documentFrom(opts.file) };
      return undefined;
    },
  };
}

class UsageError extends Error {}

function wholeNumber(v, flag) {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} must be a whole number`);
  return Number(v);
}

function documentFrom(file) {
  if (file === undefined) throw new UsageError('give the document with --file FILE (or --file -)');
  let text;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file === '-' ? 'standard input' : file}: ${e.code ?? e}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file === '-' ? 'standard input' : file} is not valid JSON`);
  }
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined and base64-encoded. */
function basic(id, secret) {
  const form = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
}

/**
 * Splits the command line: options may come anywhere (global ones and the command's own), so
 * every command's options are known to the parser, and one that is not this command's is refused.
 */
function parse(argv) {
  const every = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMANDS).map((c) => c.options));
  const { values, positionals } = parseArgs({
    args: argv,
    options: every,
    allowPositionals: true,
    strict: true,
  });
  const [command, ...args] = positionals;
  const spec = COMMANDS[command];
  const allowed = { ...GLOBAL_OPTIONS, ...(spec?.options ?? {}) };
  const stray = Object.keys(values).find((k) => !(k in allowed) && values[k] !== undefined);
  if (stray !== undefined) throw new UsageError(`--${stray} is not an option of "${command}"`);
  return { command, spec, opts: values, args };
}

function settings(opts, env) {
  const url = (opts.url ?? env.ADMIN_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  if (!URL.canParse(url) || !/^https?:/.test(url))
    throw new UsageError('--url (ADMIN_URL) must be an http(s) URL');
  const id = opts['client-id'] ?? env.ADMIN_CLIENT_ID;
  const secret = opts['client-secret'] ?? env.ADMIN_CLIENT_SECRET;
  if (!id || !secret)
    throw new UsageError(
      'no admin credentials: give --client-id and --client-secret, or set ADMIN_CLIENT_ID and ' +
        'ADMIN_CLIENT_SECRET',
    );
  const timeout = opts.timeout === undefined ? 10_000 : wholeNumber(opts.timeout, '--timeout');
  return { url, authorization: basic(id, secret), timeout };
}

async function send({ url, authorization, timeout }, { method, path, body }) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** What a person reads: lists one entry a line, documents as indented JSON. */
function humanOutput(request, res) {
  if (res.status === 204) return `${request.method === 'DELETE' ? 'deleted' : 'done'}`;
  const body = res.json;
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && Object.values(body).length === 1
      ? Object.values(body).find(Array.isArray)
      : undefined;
  if (request.method === 'GET' && list)
    return list.length === 0 ? '(none)' : list.map(summary).join('\n');
  return JSON.stringify(body ?? {}, null, 2);
}

function summary(entry) {
  if (!entry || typeof entry !== 'object') return String(entry);
  const id = entry.client_id ?? entry.identifier ?? entry.kid ?? JSON.stringify(entry);
  const detail = ['alg', 'status', 'source', 'token_endpoint_auth_method', 'access_token_format']
    .filter((k) => entry[k] !== undefined)
    .map((k) => `${k}=${entry[k]}`);
  return [id, ...detail].join('  ');
}

function errorText(res) {
  const e = res.json;
  if (e && typeof e.error === 'string')
    return `error: ${res.status} ${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  return `error: the server answered ${res.status}`;
}

async function main(argv, env, out, err) {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    err(`${e.message}\n\n${GLOBAL_USAGE}`);
    return EXIT.usage;
  }
  const { command, spec, opts, args } = parsed;
  if (command === undefined || command === 'help') {
    const topic = COMMANDS[args[0]];
    if (opts.help || command === 'help') {
      out(topic ? topic.usage : GLOBAL_USAGE);
      return EXIT.ok;
    }
    err(GLOBAL_USAGE);
    return EXIT.usage;
  }
  if (!spec) {
    err(`unknown command "${command}"\n\n${GLOBAL_USAGE}`);
    return EXIT.usage;
  }
  if (opts.help) {
    out(spec.usage);
    return EXIT.ok;
  }
  let request;
  let target;
  try {
    request = spec.request(args, opts);
    if (!request) throw new UsageError(`"${[command, ...args].join(' ')}" is not a command`);
    target = settings(opts, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n\n${spec.usage}`);
    return EXIT.usage;
  }
  let res;
  try {
    res = await send(target, request);
  } catch (e) {
    const cause = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.message ?? e;
    const why = e?.name === 'TimeoutError' ? 'timed out' : cause;
    err(`error: cannot reach ${target.url}: ${why}`);
    return EXIT.unreachable;
  }
  if (res.status >= 400) {
    if (opts.json && res.json !== undefined) out(JSON.stringify(res.json));
    err(errorText(res));
    return EXIT.refused;
  }
  if (opts.json) {
    if (res.json !== undefined) out(JSON.stringify(res.json));
  } else out(humanOutput(request, res));
  return EXIT.ok;
}

if (require.main === module)
  main(
    process.argv.slice(2),
    process.env,
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  ).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`error: ${e?.stack ?? e}\n`);
      process.exitCode = EXIT.refused;
    },
  );

module.exports = { main, EXIT };
