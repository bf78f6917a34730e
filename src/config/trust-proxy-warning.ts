import { BlockList, isIP } from 'node:net';
import { AppConfig } from './app-config';

/** Addresses that only this machine or a private network can reach. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');

function isPrivate(host: string): boolean {
  if (host === 'localhost') {
    return true;
  }
  const family = isIP(host);
  return family !== 0 && PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * With TRUST_PROXY set, the app believes `X-Forwarded-For`: anyone who can reach it without the
 * proxy can then pick the IP the limits count. A warning, not a refusal: a firewall may be what
 * keeps clients away.
 */
export function trustProxyWarning(
  config: Pick<AppConfig, 'trustProxy' | 'host'>,
): string | undefined {
  if (config.trustProxy === undefined || isPrivate(config.host)) {
    return undefined;
  }
  return (
    `TRUST_PROXY is set but HOST=${config.host} lets clients reach the app without the proxy, ` +
    'and choose the IP address the limits count through X-Forwarded-For. ' +
    'Set HOST=127.0.0.1 (or the private address the proxy connects to), or firewall the port.'
  );
}
