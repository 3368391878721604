/**
 * Data-protection guard detectors (issue 4, security catalogue B15–B16, H1/H5).
 * `detect(text)` returns non-overlapping findings sorted by start. Regexes find
 * anchored candidates (see patterns.ts); checksums and node:net decide, so
 * near-misses pass untouched. Overlaps keep the most specific class.
 */
import { isIP } from "node:net";
import { detectNumeric } from "./numeric.js";
import { type Anchor, eachMatch, isHex, PATTERNS, stickyOf } from "./patterns.js";
import { type DataClass, type Finding, PRIORITY } from "./types.js";

export type { DataClass, Finding } from "./types.js";

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

const isLocalChar = (c: number) =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;
const isDomainChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;

/** Emails, anchored on "@" and expanded with bounded plain loops. */
function detectEmails(text: string, out: Finding[]): void {
  let at = text.indexOf("@");
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < MAX_LOCAL && isLocalChar(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++;
    let e = at + 1;
    while (e < text.length && e - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const domain = text.slice(at + 1, e);
    const labels = domain.split(".");
    const tld = labels[labels.length - 1] ?? "";
    if (
      s < at &&
      labels.length >= 2 &&
      labels.every((l) => l.length > 0 && l.length <= 63) &&
      /^[A-Za-z]{2,24}$/.test(tld)
    ) {
      out.push({ kind: "pii.email", start: s, end: e });
    }
    at = text.indexOf("@", at + 1);
  }
}

const IPV4 = /(?<![0-9A-Za-z.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])/g;
const IPV6 = /(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,44}/g;
const IPV6_STICKY = stickyOf(IPV6);
/** The first ":" of a candidate, after at most 4 hex digits (see Anchor). */
const IPV6_ANCHOR: Anchor = {
  literals: [":"],
  start(text, at) {
    // What follows must be [0-9A-Fa-f:.] (JSON's `"key":"…"` is rejected here, before the regex).
    const next = text.charCodeAt(at + 1);
    if (!isHex(next) && next !== 58 && next !== 46) return -1;
    let s = at;
    while (s > 0 && at - s < 4 && isHex(text.charCodeAt(s - 1))) s--;
    return s;
  },
};

/** IPv4 and IPv6 addresses: a loose candidate regex, validated by node:net. */
function detectIps(text: string, out: Finding[]): void {
  eachMatch(text, IPV4, undefined, undefined, (m) => {
    if (isIP(m[0]) === 4) out.push({ kind: "pii.ip_address", start: m.index, end: m.index + m[0].length });
  });
  eachMatch(text, IPV6, IPV6_ANCHOR, IPV6_STICKY, (m) => {
    let cand = m[0];
    // Every IPv6 address has two colons at least; times and `"key":123` have one.
    if (cand.indexOf(":", cand.indexOf(":") + 1) < 0) return;
    // A trailing ":" or "." is punctuation ("at fe80::1:"), and text glued on
    // after the candidate means it was not an address.
    while (cand.endsWith(":") && !cand.endsWith("::")) cand = cand.slice(0, -1);
    while (cand.endsWith(".")) cand = cand.slice(0, -1);
    if (/[0-9A-Za-z]/.test(text[m.index + cand.length] ?? "")) return;
    const groups = cand.split(":").filter((g) => g.length > 0).length;
    if (cand.length >= 6 && groups >= 2 && isIP(cand) === 6) {
      out.push({ kind: "pii.ip_address", start: m.index, end: m.index + cand.length });
    }
  });
}

/** PEM private-key blocks, from the BEGIN line to the END line (or end of the base64 body). */
function detectPem(text: string, out: Finding[]): void {
  const marker = "-----BEGIN ";
  let at = text.indexOf(marker);
  while (at >= 0) {
    const close = text.indexOf("-----", at + marker.length);
    const label = close >= 0 && close - at <= 80 ? text.slice(at + marker.length, close) : "";
    if (label.endsWith("PRIVATE KEY") && /^[A-Z0-9 ]{0,60}$/.test(label)) {
      const bodyStart = close + 5;
      const endMarker = `-----END ${label}-----`;
      const end = text.indexOf(endMarker, bodyStart);
      let stop: number;
      if (end >= 0) {
        stop = end + endMarker.length;
      } else {
        stop = bodyStart;
        while (stop < text.length && /[A-Za-z0-9+/=\s:,-]/.test(text[stop]!)) stop++;
      }
      out.push({ kind: "secret.private_key", start: at, end: stop });
      at = text.indexOf(marker, stop);
    } else {
      at = text.indexOf(marker, at + marker.length);
    }
  }
}

const STICKY = PATTERNS.map((p) => (p.anchor ? stickyOf(p.re) : undefined));

function detectPatterns(text: string, out: Finding[]): void {
  for (let i = 0; i < PATTERNS.length; i++) {
    const p = PATTERNS[i]!;
    eachMatch(text, p.re, p.anchor, STICKY[i], (m) => {
      const kind = p.refine ? p.refine(m, text) : p.kind;
      if (!kind) return;
      let start = m.index;
      let end = m.index + m[0].length;
      const span = p.group === undefined ? undefined : m.indices?.[p.group];
      if (span) [start, end] = span;
      out.push({ kind, start, end });
    });
  }
}

const RANK = new Map<DataClass, number>(PRIORITY.map((k, i) => [k, i]));

function better(a: Finding, b: Finding): boolean {
  const ra = RANK.get(a.kind) ?? PRIORITY.length;
  const rb = RANK.get(b.kind) ?? PRIORITY.length;
  return ra !== rb ? ra < rb : a.end - a.start > b.end - b.start;
}

/** Sweeps findings sorted by start, keeping the better of any overlapping pair. */
function resolve(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of findings) {
    const last = kept[kept.length - 1];
    if (!last || f.start >= last.end) kept.push(f);
    else if (better(f, last)) kept[kept.length - 1] = f;
  }
  return kept;
}

/** Finds secrets and personal data in `text`; linear time in `text.length`. */
export function detect(text: string): Finding[] {
  const out: Finding[] = [];
  detectPem(text, out);
  detectPatterns(text, out);
  for (const f of detectNumeric(text)) out.push(f);
  detectEmails(text, out);
  detectIps(text, out);
  return resolve(out);
}
