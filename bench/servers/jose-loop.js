// Single-core ceilings for the token work itself: ES256 sign and verify operations per second.
const { generateKeyPair, SignJWT, jwtVerify } = require('jose');

async function rate(seconds, op) {
  const until = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < until) {
    await op();
    n++;
  }
  return Math.round(n / seconds);
}

async function main() {
  const seconds = Number(process.argv[2] ?? 3);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const sign = () =>
    new SignJWT({ scope: 'orders:read', client_id: 'bench-a' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
      .setIssuer('https://issuer.example')
      .setAudience('https://orders.example.com')
      .setSubject('bench-a')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
  const token = await sign();
  const signPerSec = await rate(seconds, sign);
  const verifyPerSec = await rate(seconds, () =>
    jwtVerify(token, publicKey, { algorithms: ['ES256'] }),
  );
  process.stdout.write(
    JSON.stringify({ es256_sign_per_s: signPerSec, es256_verify_per_s: verifyPerSec }) + '\n',
  );
}

main();
