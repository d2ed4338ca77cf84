import { BlockList, isIP } from "node:net";

// Leadex calls URLs its users type in (CRM webhooks, affiliate postbacks, external buyers' ping
// and post endpoints). Unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES is set (tests, the local demo),
// none of them may reach loopback, private, link-local (cloud metadata) or other non-public
// addresses, so a user cannot make our servers call our own network. The rules live here; the
// one client that applies them at connect time is outbound-http.server.ts.

const nonPublic = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relays
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv4");
}
// IPv4-mapped addresses (::ffff:a.b.c.d, in either notation) are judged by BlockList against the
// IPv4 rules above; every other way of embedding an IPv4 address in IPv6 is refused outright,
// since it can lead (through a translator or tunnel) to any IPv4 address, private ones included.
for (const [network, prefix] of [
  ["::", 96], // unspecified, loopback, IPv4-compatible (::a.b.c.d)
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48], // local NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments, Teredo (2001::/32) among them
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4
  ["3fff::", 20], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local
  ["ff00::", 8], // multicast
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is outside the public internet; anything that is not an IP address counts as outside. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  try {
    return nonPublic.check(address, family === 4 ? "ipv4" : "ipv6");
  } catch {
    return true;
  }
}

/** Why Leadex refuses `host` given the addresses it resolved to (all of them must be public), or null. */
export function refusalOfAddresses(host: string, addresses: readonly string[]): string | null {
  const local = addresses.find(isNonPublicAddress);
  return local === undefined ? null : `${host} is a private or local address (${local}); Leadex only calls public addresses`;
}

export interface OutboundTarget {
  url: URL;
  /** The host as connected to: a name to resolve, or an IP address without brackets. */
  host: string;
  /** Whether the host is an IP address (nothing to resolve). */
  isAddress: boolean;
}

/**
 * The URL Leadex may call, or why not, judged before any lookup: the scheme, and an IP-address
 * host (in whatever form URL parsing normalised it from: 2130706433, 0x7f.1, 127.1, [::ffff:…]).
 */
export function outboundTarget(rawUrl: string, allowPrivateAddresses: boolean): OutboundTarget | { refused: string } {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { refused: "not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { refused: `${url.protocol} URLs are not called; only http and https` };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return { refused: "the URL has no host" };
  const isAddress = isIP(host) !== 0;
  if (isAddress && !allowPrivateAddresses) {
    const refused = refusalOfAddresses(host, [host]);
    if (refused) return { refused };
  }
  return { url, host, isAddress };
}
