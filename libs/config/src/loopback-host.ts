/** `localhost`, 127.0.0.0/8 and `[::1]` (as `URL.hostname` spells them): this machine only. */
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether a URL's hostname is this machine: where plain `http` stays off the network. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}

/** 127.0.0.0/8 and `[::1]` as `URL.hostname` spells them (it normalises `127.1`, `[0::1]`). */
const LOOPBACK_IP_LITERALS = /^(127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * RFC 8252 §7.3: a loopback IP literal, where a native app listens for its redirect. Unlike
 * `localhost` (§8.3) it cannot resolve to another interface or be caught by a firewall rule.
 */
export function isLoopbackIpLiteral(hostname: string): boolean {
  return LOOPBACK_IP_LITERALS.test(hostname);
}
