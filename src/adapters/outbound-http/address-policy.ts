import net from 'node:net';

/**
 * Which IP addresses outbound requests may reach. Everything that is not globally routable is refused:
 * loopback, private (RFC 1918, unique-local), carrier-grade NAT, link-local (which includes the cloud
 * metadata endpoint 169.254.169.254), multicast, documentation and reserved ranges. IPv6 forms that
 * embed an IPv4 address (mapped, NAT64, 6to4, Teredo-free compat) are judged by the embedded address.
 */
const BLOCKED = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** True when `address` (an IPv4 or IPv6 literal) is not a public, globally routable address. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family !== 6) return true;
  const embedded = embeddedIpv4(bare);
  if (embedded) return BLOCKED.check(embedded, 'ipv4');
  return BLOCKED.check(bare, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIpv4(ipv6: string): string | undefined {
  const groups = expandIpv6(ipv6);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0) && !(groups[5] === 0 && groups[6] === 0)) {
    return v4(groups[6]!, groups[7]!);
  }
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

/** Expands an IPv6 literal into its eight 16-bit groups (handles `::` and a trailing dotted IPv4). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = text.includes('::') ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<number>(Math.max(0, fill)).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

// Link-local addresses (cloud metadata endpoints such as 169.254.169.254 live here) and "this network"
// can never be allowlisted: only CHARLA_ALLOW_PRIVATE_NETWORK, an operator's decision, opens them.
const NEVER_ALLOWLISTED = new net.BlockList();
NEVER_ALLOWLISTED.addSubnet('169.254.0.0', 16, 'ipv4');
NEVER_ALLOWLISTED.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER_ALLOWLISTED.addSubnet('fe80::', 10, 'ipv6');
NEVER_ALLOWLISTED.addAddress('::', 'ipv6');

/** Whether an allowlist entry is acceptable at all (not link-local/metadata, a host name, an IP or a CIDR). */
export function isAllowlistableEntry(entry: string): boolean {
  const e = entry.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const [ip, prefix] = e.split('/');
  if (ip && net.isIP(ip)) {
    if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return false;
    return !neverAllowlisted(ip);
  }
  return prefix === undefined && /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(e);
}

/**
 * Whether a private address may be reached anyway because a per-integration allowlist names the host
 * (`shop.internal`), the address (`127.0.0.1`, `::1`) or its network (`10.0.0.0/8`). Link-local and
 * metadata addresses are never allowed this way.
 */
export function isAllowlisted(hostname: string, address: string, allowlist: readonly string[] | undefined): boolean {
  if (!allowlist?.length) return false;
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (neverAllowlisted(bare)) return false;
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of allowlist) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
    const [ip, prefix] = entry.split('/');
    if (ip && net.isIP(ip)) {
      const family = net.isIP(ip) === 4 ? 'ipv4' : 'ipv6';
      const list = new net.BlockList();
      if (prefix === undefined) list.addAddress(ip, family);
      else list.addSubnet(ip, Number(prefix), family);
      const candidate = embeddedIpv4(bare) ?? bare;
      if (list.check(candidate, net.isIP(candidate) === 4 ? 'ipv4' : 'ipv6')) return true;
    } else if (entry === host) {
      return true;
    }
  }
  return false;
}

function neverAllowlisted(address: string): boolean {
  const embedded = net.isIP(address) === 6 ? embeddedIpv4(address) : undefined;
  const candidate = embedded ?? address;
  const family = net.isIP(candidate);
  if (!family) return true;
  return NEVER_ALLOWLISTED.check(candidate, family === 4 ? 'ipv4' : 'ipv6');
}
