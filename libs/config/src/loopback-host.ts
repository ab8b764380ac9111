/** `localhost`, 127.0.0.0/8 and `[::1]` (as `URL.hostname` spells them): this machine only. */
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether a URL's hostname is this machine: where plain `http` stays off the network. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}
