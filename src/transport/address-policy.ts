/**
 * Which network addresses an outbound connection may reach (DESIGN §10,
 * security catalogue E1–E8, E14). Built on node:net BlockList so IPv4-mapped
 * IPv6 and every textual form of an address are checked by one parser.
 */
import { BlockList, isIP } from "node:net";

const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "this-network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT / cloud metadata"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local / cloud metadata"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const BLOCKED_V6: Array<[string, number, string]> = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::", 96, "IPv4-compatible (deprecated; [::127.0.0.1] parses to [::7f00:1])"],
  ["::ffff:0:0:0", 96, "IPv4-translated (SIIT)"],
  ["64:ff9b::", 96, "NAT64"],
  ["64:ff9b:1::", 48, "NAT64"],
  ["100::", 64, "discard"],
  ["2001::", 32, "Teredo (embeds IPv4 addresses)"],
  ["2001:db8::", 32, "documentation"],
  ["2002::", 16, "6to4"],
  ["fc00::", 7, "unique-local (includes fd00:ec2::254 metadata)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local (deprecated)"],
  ["ff00::", 8, "multicast"],
];

const blockList = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blockList.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of BLOCKED_V6) blockList.addSubnet(net, prefix, "ipv6");

/** Host names that are internal whatever they resolve to (cloud metadata services). */
const BLOCKED_NAMES = new Set([
  "localhost",
  "metadata.google.internal",
  "metadata.tencentyun.com",
  "metadata.azure.com",
  "instance-data",
]);

/** Undo IPv4-mapped / -compatible IPv6 (::ffff:a.b.c.d, ::ffff:7f00:1) so the IPv4 rules apply. */
function unmapIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^::(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted) return dotted[1] ?? null;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = Number.parseInt(hex[1] ?? "0", 16);
    const low = Number.parseInt(hex[2] ?? "0", 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return null;
}

/** True when `address` (a literal IPv4/IPv6 address) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = unmapIPv4(bare);
    if (mapped !== null) return !blockList.check(mapped, "ipv4");
    return !blockList.check(bare, "ipv6");
  }
  return !blockList.check(bare, "ipv4");
}

/** Normalise a URL hostname: strip IPv6 brackets and a trailing root dot, lower-case. */
export function normaliseHostname(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  while (host.endsWith(".")) host = host.slice(0, -1);
  return host;
}

/**
 * Decide what can be decided from the URL alone: a literal IP (the WHATWG URL
 * parser has already turned 0x7f000001, 017700000001 and 127.1 into dotted form)
 * or a known-internal name. Returns "public", "private" or "needs-resolution".
 */
export function classifyHost(hostname: string): "public" | "private" | "needs-resolution" {
  const host = normaliseHostname(hostname);
  if (BLOCKED_NAMES.has(host) || host.endsWith(".localhost") || host.endsWith(".internal")) return "private";
  if (isIP(host) !== 0) return isPublicAddress(host) ? "public" : "private";
  return "needs-resolution";
}
