/**
 * Numeric PII (resident ID, bank card, mainland mobile, international phone)
 * found by one plain-code pass over digit groups (a regex only finds where
 * each token starts), linear time.
 * A token is a run of digit groups joined by single separators; windows of at
 * most MAX_WINDOW consecutive groups are classified, longest first.
 */
import { isBankCard, isCnResidentId } from "./checksums.js";
import type { DataClass, Finding } from "./types.js";

const MAX_WINDOW = 6;

interface Group {
  start: number;
  end: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSep = (c: number, plus: boolean) => c === 32 || c === 45 || (plus && (c === 40 || c === 41));

function digitsOf(text: string, groups: readonly Group[], from: number, to: number): string {
  let out = "";
  for (let g = from; g <= to; g++) out += text.slice(groups[g]!.start, groups[g]!.end);
  return out;
}

function classify(digits: string, plus: boolean, trailingX: boolean, single: boolean): DataClass | undefined {
  if (trailingX) return single && isCnResidentId(digits + "X") ? "pii.cn_resident_id" : undefined;
  if (single && digits.length === 18 && isCnResidentId(digits)) return "pii.cn_resident_id";
  const mobile = /^(?:86)?1[3-9]\d{9}$/.test(digits);
  // "+1 415…" is not a mainland mobile: after "+", the 86 country code is required.
  if (mobile && (plus ? digits.length === 13 : digits.length === 11 || !single)) return "pii.cn_mobile";
  if (plus)
    return digits.length >= 8 && digits.length <= 15 && digits[0] !== "0" ? "pii.phone_intl" : undefined;
  if (isBankCard(digits)) return "pii.bank_card";
  return undefined;
}

/** Classifies the groups of one token, greedily left to right. */
function scanToken(text: string, groups: readonly Group[], plus: boolean, out: Finding[]): void {
  let i = 0;
  while (i < groups.length) {
    let matched = false;
    const last = Math.min(groups.length - 1, i + MAX_WINDOW - 1);
    for (let j = last; j >= i && !matched; j--) {
      const start = groups[i]!.start;
      let end = groups[j]!.end;
      const lead = plus && i === 0;
      const digits = digitsOf(text, groups, i, j);
      const next = text.charCodeAt(end);
      const trailingX = (next === 88 || next === 120) && !isAlnum(text.charCodeAt(end + 1));
      if (j + 1 < groups.length || (j === groups.length - 1 && !trailingX)) {
        const kind = classify(digits, lead, false, i === j);
        if (kind) {
          out.push({ kind, start: lead ? start - 1 : start, end });
          i = j + 1;
          matched = true;
        }
      } else {
        const kind = classify(digits, lead, true, i === j);
        if (kind) {
          end += 1;
          out.push({ kind, start, end });
          i = j + 1;
          matched = true;
        }
      }
    }
    if (!matched) i++;
  }
}

/** A digit with no letter or digit before it. */
const TOKEN_START = /(?<![0-9A-Za-z])[0-9]/g;

/** Finds numeric PII in `text`. */
export function detectNumeric(text: string): Finding[] {
  const out: Finding[] = [];
  const n = text.length;
  let p = 0;
  while (p < n) {
    // The next digit that starts a token (the engine's scan is several times faster than a charCodeAt loop).
    TOKEN_START.lastIndex = p;
    if (!TOKEN_START.test(text)) break;
    p = TOKEN_START.lastIndex - 1;
    const plus = p > 0 && text.charCodeAt(p - 1) === 43;
    const groups: Group[] = [];
    let q = p;
    for (;;) {
      const gs = q;
      while (q < n && isDigit(text.charCodeAt(q))) q++;
      groups.push({ start: gs, end: q });
      // One separator (two for "(" / ")" after a leading "+"), then a digit.
      let s = q;
      let seps = 0;
      while (s < n && seps < (plus ? 2 : 1) && isSep(text.charCodeAt(s), plus)) {
        s++;
        seps++;
      }
      if (seps === 0 || s >= n || !isDigit(text.charCodeAt(s))) break;
      q = s;
    }
    const tail = text.charCodeAt(q);
    const xTail = tail === 88 || tail === 120;
    const bounded = !isAlnum(xTail ? text.charCodeAt(q + 1) : tail);
    if (bounded) scanToken(text, groups, plus, out);
    p = q + 1;
  }
  return out;
}
