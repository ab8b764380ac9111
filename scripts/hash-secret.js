#!/usr/bin/env node
// Prints the client_secret_hash for a secret (or a user's password_hash for a password), in the
// format libs/registry/src/secret-hash.ts verifies: npm run hash-secret -- 'the-secret'
// (or pipe the secret on standard input).
const { randomBytes, scryptSync } = require('node:crypto');

const LN = 14;
const R = 8;
const P = 1;

function hash(secret) {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 32, { N: 2 ** LN, r: R, p: P });
  return `$scrypt$ln=${LN},r=${R},p=${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function main() {
  const arg = process.argv[2];
  if (arg !== undefined) return console.log(hash(arg));
  let input = '';
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', () => {
    const secret = input.replace(/\r?\n$/, '');
    if (!secret) {
      console.error('usage: npm run hash-secret -- <secret>   (or the secret on standard input)');
      process.exit(2);
    }
    console.log(hash(secret));
  });
}

main();
