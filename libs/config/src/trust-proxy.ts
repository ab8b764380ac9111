import { isIP } from 'node:net';
import { ConfigError } from './config.error';
import { TrustProxy } from './config.types';

/** proxy-addr's named ranges, which Fastify accepts beside addresses and CIDRs. */
const PRESETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: which proxies may name the caller in `X-Forwarded-For`. The caller's address
 * keys the per-address throttle of failed client authentications, so trusting a hop that is
 * not ours would let any caller choose its own address: `true` (every hop) is refused, and so
 * is a hop count, which Fastify 5 ignores (it cannot tell a proxy from a direct caller).
 */
export function trustProxy(v: string | undefined): TrustProxy {
  if (!v || v === 'false') return false;
  if (v === 'true' || /^\d+$/.test(v))
    throw new ConfigError(
      'TRUST_PROXY',
      `"${v}" would let callers pick their own address: list the proxies' addresses or CIDRs`,
    );
  const entries = v.split(',').map((e) => e.trim());
  for (const entry of entries)
    if (!PRESETS.includes(entry) && !isAddressOrCidr(entry))
      throw new ConfigError(
        'TRUST_PROXY',
        `"${entry}" is not an IP address, a CIDR range or one of ${PRESETS.join(', ')}`,
      );
  return entries;
}

/** An IPv4 or IPv6 address, or a CIDR range of either. */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
