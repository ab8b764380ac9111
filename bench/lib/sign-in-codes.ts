// Codes for the code-redemption scenario, made outside the timed rounds by signing in for real:
// the authorization request, the login app's login and consent pages, the redirect with the
// code (test/support/sign-in-driver.ts), one browser per user at a time, each keeping its
// cookies ("Remember me" ticked) so that its later sign-ins ride its session as a returning
// user's would.
// Run as `node -r @swc-node/register bench/lib/sign-in-codes.ts` with a JSON spec on standard
// input; prints one JSON line: [{ code, verifier }].
import { readFileSync } from 'node:fs';
import { CookieJar } from '../../test/support/cookie-jar';
import { signIn, SignInUser } from '../../test/support/sign-in-driver';

interface Spec {
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly resources: readonly string[];
  /** One browser each, signing in again and again. */
  readonly users: readonly SignInUser[];
  readonly count: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(0, 'utf8')) as Spec;
  const codes: Array<{ code: string; verifier: string }> = [];
  let started = 0;
  const browser = async (user: SignInUser) => {
    const jar = new CookieJar();
    while (started < spec.count) {
      started++;
      const result = await signIn({ ...spec, user, remember: true, jar });
      if (!result.code) throw new Error(`no code: ${result.callback.toString()}`);
      codes.push({ code: result.code, verifier: result.pkce.verifier });
    }
  };
  await Promise.all(spec.users.map(browser));
  process.stdout.write(JSON.stringify(codes) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
