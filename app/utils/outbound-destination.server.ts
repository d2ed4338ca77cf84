import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { getEnv } from "./env.server";

// Leadex calls URLs its users type in (CRM webhooks, affiliate postbacks, external buyers' ping
// and post endpoints). Unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES is set (tests, the local demo),
// none of them may reach loopback, private, link-local (cloud metadata) or other non-public
// addresses, so a user cannot make our servers call our own network.

const nonPublic = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const) {
  nonPublic.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is outside the public internet (IPv4-mapped IPv6 is judged as IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return nonPublic.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return nonPublic.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Why Leadex refuses to call this URL, or null when it may. The host is resolved here; a host
 * that does not resolve is left for the request itself to report.
 */
export async function refusedDestination(url: string): Promise<string | null> {
  if (getEnv().OUTBOUND_ALLOW_PRIVATE_ADDRESSES) return null;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return "not a valid URL";
  }
  const hit = recentVerdicts.get(host);
  if (hit && Date.now() - hit.at < VERDICT_TTL_MS) return hit.refused;
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true, verbatim: true }).then((found) => found.map((a) => a.address), () => []);
  const local = addresses.find(isNonPublicAddress);
  const refused = local ? `${host} is a private or local address (${local}); Leadex only calls public addresses` : null;
  if (recentVerdicts.size > 10_000) recentVerdicts.clear();
  if (addresses.length > 0) recentVerdicts.set(host, { refused, at: Date.now() });
  return refused;
}

// A ping asks many buyers within a deadline: a host's verdict is kept for a while rather than
// resolving it before every call (the request resolves it again; see docs/operations.md).
const VERDICT_TTL_MS = 30_000;
const recentVerdicts = new Map<string, { refused: string | null; at: number }>();
