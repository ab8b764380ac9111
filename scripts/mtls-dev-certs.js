#!/usr/bin/env node
// Makes development certificates for mutual TLS (RFC 8705) with the system's openssl:
//   npm run mtls:dev-certs -- <dir> [--client <name>]... [--self-signed <name>]... [--days <n>]
// into <dir>: ca.pem + ca-key.pem (a development CA: TLS_CLIENT_CA_FILE), server.pem +
// server-key.pem (issued by that CA for localhost and 127.0.0.1: TLS_CERT_FILE, TLS_KEY_FILE),
// for each --client a certificate issued by the CA (<name>.pem, <name>-key.pem) with subject
// "CN=<name>,O=token-lifecycle development" and the SANs DNS <name>.client.test,
// URI https://<name>.client.test/ and email <name>@client.test (for tls_client_auth), and for
// each --self-signed a self-signed certificate (<name>.pem, <name>-key.pem) and its public key
// as a JWK (<name>.jwk.json, for the jwks of a self_signed_tls_client_auth client).
// Defaults: --client dev-client --self-signed dev-self-signed --days 365. Development only:
// the CA key sits beside the certificates.
const { execFileSync } = require('node:child_process');
const { createHash, createPublicKey, X509Certificate } = require('node:crypto');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function usage(message) {
  if (message) console.error(message);
  console.error(
    'usage: npm run mtls:dev-certs -- <dir> [--client <name>]... [--self-signed <name>]... ' +
      '[--days <n>]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { dir: undefined, clients: [], selfSigned: [], days: 365 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--client') options.clients.push(value());
    else if (arg === '--self-signed') options.selfSigned.push(value());
    else if (arg === '--days') options.days = Number(value());
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.dir === undefined) options.dir = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (!options.dir) usage('give the directory to write to');
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 3650)
    usage('--days must be an integer from 1 to 3650');
  if (options.clients.length === 0 && options.selfSigned.length === 0) {
    options.clients.push('dev-client');
    options.selfSigned.push('dev-self-signed');
  }
  for (const name of [...options.clients, ...options.selfSigned])
    if (!NAME.test(name)) usage(`"${name}" must be lower-case letters, digits and dashes`);
  return options;
}

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A P-256 key (what every TLS stack supports, and small). */
function newKey(dir, file) {
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file],
    dir,
  );
}

/** Signs <base>.csr with the CA, with the given X.509v3 extensions. */
function issue(dir, base, days, extensions) {
  writeFileSync(join(dir, `${base}.ext`), extensions.join('\n') + '\n');
  try {
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-days',
        String(days),
        '-sha256',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.pem`,
      ],
      dir,
    );
  } finally {
    for (const scratch of [`${base}.csr`, `${base}.ext`, 'ca.srl'])
      rmSync(join(dir, scratch), { force: true });
  }
}

function makeCa(dir, days) {
  newKey(dir, 'ca-key.pem');
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca-key.pem',
      '-sha256',
      '-days',
      String(days),
      '-subj',
      '/O=token-lifecycle development/CN=token-lifecycle development CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ],
    dir,
  );
}

function makeServer(dir, days) {
  newKey(dir, 'server-key.pem');
  openssl(
    ['req', '-new', '-key', 'server-key.pem', '-subj', '/CN=localhost', '-out', 'server.csr'],
    dir,
  );
  issue(dir, 'server', days, [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
  ]);
}

function makeClient(dir, name, days) {
  newKey(dir, `${name}-key.pem`);
  openssl(
    [
      'req',
      '-new',
      '-key',
      `${name}-key.pem`,
      '-subj',
      `/O=token-lifecycle development/CN=${name}`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  issue(dir, name, days, [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
    `subjectAltName=DNS:${name}.client.test,URI:https://${name}.client.test/,email:${name}@client.test`,
  ]);
}

function makeSelfSigned(dir, name, days) {
  newKey(dir, `${name}-key.pem`);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}-key.pem`,
      '-sha256',
      '-days',
      String(days),
      '-subj',
      `/CN=${name}`,
      '-addext',
      'extendedKeyUsage=clientAuth',
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  const jwk = createPublicKey(readFileSync(join(dir, `${name}.pem`))).export({ format: 'jwk' });
  writeFileSync(
    join(dir, `${name}.jwk.json`),
    JSON.stringify({ ...jwk, kid: name }, null, 2) + '\n',
  );
}

/** RFC 8705 §3.1 x5t#S256: what a token bound to this certificate carries in cnf. */
function thumbprint(dir, file) {
  return createHash('sha256')
    .update(new X509Certificate(readFileSync(join(dir, file))).raw)
    .digest('base64url');
}

function main() {
  const { dir, clients, selfSigned, days } = parseArgs(process.argv.slice(2));
  mkdirSync(dir, { recursive: true });
  try {
    makeCa(dir, days);
    makeServer(dir, days);
    for (const name of clients) makeClient(dir, name, days);
    for (const name of selfSigned) makeSelfSigned(dir, name, days);
  } catch (e) {
    console.error(`openssl failed: ${e.stderr ? e.stderr.toString().trim() : e.message}`);
    process.exit(1);
  }
  const summary = {
    dir,
    ca: 'ca.pem',
    server: { cert: 'server.pem', key: 'server-key.pem' },
    clients: clients.map((name) => ({
      name,
      cert: `${name}.pem`,
      key: `${name}-key.pem`,
      tls_client_auth_subject_dn: `CN=${name},O=token-lifecycle development`,
      'x5t#S256': thumbprint(dir, `${name}.pem`),
    })),
    selfSigned: selfSigned.map((name) => ({
      name,
      cert: `${name}.pem`,
      key: `${name}-key.pem`,
      jwk: `${name}.jwk.json`,
      'x5t#S256': thumbprint(dir, `${name}.pem`),
    })),
  };
  console.log(JSON.stringify(summary, null, 2));
}

main();
