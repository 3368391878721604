/**
 * Secret and PII patterns. Every regex here is linear: no nested or
 * overlapping-alternative quantifiers, every repetition bounded, and a
 * fixed-width lookbehind anchors each candidate so scans do not restart
 * inside a word (security catalogue H1/H5). Validation happens in code.
 */
import { isCnUscc } from "./checksums.js";
import type { DataClass } from "./types.js";

export interface Pattern {
  kind: DataClass;
  re: RegExp;
  /** Optional code check / reclassification of a match; undefined drops it. */
  refine?: (m: RegExpExecArray, text: string) => DataClass | undefined;
  /** Capture group whose span is reported (default: the whole match). */
  group?: number;
  /** Where to try `re` (default: everywhere, as a global scan). */
  anchor?: Anchor;
}

/**
 * A fast path for a pattern with no literal prefix, which the regex engine
 * would otherwise try at every position of the text (several ms per MB each).
 * Every match contains one of `literals`, none of them before the part that
 * `start` skips back over, so the first literal in a match fixes where the
 * match must begin: `start(text, at)` finds that position with a bounded scan
 * back from the literal at `at`. The regex is then tried there only (sticky);
 * it still decides, so the matches are exactly those of a global scan.
 */
export interface Anchor {
  literals: readonly string[];
  start(text: string, at: number): number;
}

/** The lowest `s ≥ at − max` such that every character in [s, at) satisfies `ok`. */
function backOver(text: string, at: number, max: number, ok: (c: number) => boolean): number {
  const floor = Math.max(0, at - max);
  let s = at;
  while (s > floor && ok(text.charCodeAt(s - 1))) s--;
  return s;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
export const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isLowerHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102);
const isWord = (c: number) => isDigit(c) || isLower(c) || isUpper(c) || c === 95;
const isSchemeChar = (c: number) =>
  isDigit(c) || isLower(c) || isUpper(c) || c === 43 || c === 46 || c === 45;
const isBlank = (c: number) => c === 32 || c === 9;

/**
 * Calls `each` with the matches of `re` (global) in `text`, in order, as
 * `text.matchAll(re)` returns them (without the copy of `re` matchAll makes,
 * which costs more than the scan on a short text); with an anchor, `sticky`
 * (the same regex with the `y` flag) is tried only where a match can start.
 */
export function eachMatch(
  text: string,
  re: RegExp,
  anchor: Anchor | undefined,
  sticky: RegExp | undefined,
  each: (m: RegExpExecArray) => void,
): void {
  if (anchor === undefined || sticky === undefined) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      const resume = re.lastIndex;
      each(m);
      re.lastIndex = resume;
    }
    return;
  }
  const { literals } = anchor;
  const next = literals.map((l) => text.indexOf(l));
  let end = 0;
  for (;;) {
    let k = -1;
    for (let i = 0; i < next.length; i++) if (next[i]! >= 0 && (k < 0 || next[i]! < next[k]!)) k = i;
    if (k < 0) return;
    const at = next[k]!;
    next[k] = text.indexOf(literals[k]!, at + 1);
    const s = anchor.start(text, at);
    // A match starting before the previous one's end would overlap it.
    if (s < end) continue;
    sticky.lastIndex = s;
    const m = sticky.exec(text);
    if (m === null) continue;
    each(m);
    end = m.index + m[0].length;
    for (let i = 0; i < next.length; i++)
      if (next[i]! >= 0 && next[i]! < end) next[i] = text.indexOf(literals[i]!, end);
  }
}

/** The same regex, sticky: tried at one position only. */
export function stickyOf(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace("g", "") + "y");
}

const PROVIDER_HINTS: readonly { kind: DataClass; re: RegExp }[] = [
  { kind: "secret.dashscope", re: /dashscope|aliyun|bailian|qwen|tongyi/i },
  { kind: "secret.moonshot", re: /moonshot|kimi/i },
  { kind: "secret.deepseek", re: /deepseek/i },
];

function hinted(text: string, at: number): DataClass | undefined {
  const before = text.slice(Math.max(0, at - 80), at);
  return PROVIDER_HINTS.find((h) => h.re.test(before))?.kind;
}

/** `sk-…` keys: OpenAI, Anthropic, and the `sk-` families of mainland providers. */
function classifySk(m: RegExpExecArray, text: string): DataClass | undefined {
  const key = m[0];
  const body = key.slice(3);
  if (body.startsWith("ant-")) return body.length >= 40 ? "secret.anthropic" : undefined;
  if (/^(?:proj|svcacct|admin)-/.test(body)) return body.length >= 40 ? "secret.openai" : undefined;
  if (body.includes("T3BlbkFJ")) return "secret.openai";
  if (/^[0-9a-f]{32}$/.test(body)) return hinted(text, m.index) ?? "secret.deepseek";
  if (/^[A-Za-z0-9]{48}$/.test(body)) return hinted(text, m.index) ?? "secret.moonshot";
  if (/^[A-Za-z0-9]{32}$/.test(body)) return hinted(text, m.index) ?? "secret.dashscope";
  return body.length >= 32 ? "secret.openai" : undefined;
}

const ENV_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY/;

function classifyEnv(m: RegExpExecArray): DataClass | undefined {
  const name = (m[1] ?? "").toUpperCase();
  if (!ENV_NAME.test(name)) return undefined;
  const value = m[3] ?? "";
  // Placeholders such as "<your-token-here>" or "${TOKEN}" are not secrets.
  if (/^[<$]|^x{8}|^\*{4}/i.test(value)) return undefined;
  return "secret.env_assignment";
}

function validUscc(m: RegExpExecArray): DataClass | undefined {
  return isCnUscc(m[0]) ? "pii.cn_uscc" : undefined;
}

export const PATTERNS: readonly Pattern[] = [
  {
    kind: "secret.openai",
    re: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,400}(?![A-Za-z0-9_-])/g,
    refine: classifySk,
  },
  {
    kind: "secret.zhipu",
    re: /(?<![A-Za-z0-9])[0-9a-f]{32}\.[A-Za-z0-9]{16}(?![A-Za-z0-9])/g,
    // The "." after exactly 32 hex digits.
    anchor: {
      literals: ["."],
      start: (text, at) => (backOver(text, at, 32, isLowerHex) === at - 32 ? at - 32 : -1),
    },
  },
  { kind: "secret.aws", re: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  {
    kind: "secret.github",
    re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_])/g,
  },
  { kind: "secret.google", re: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  {
    kind: "secret.stripe",
    re: /(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g,
  },
  { kind: "secret.slack", re: /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/g },
  {
    kind: "secret.jwt",
    re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{16,2048}(?![A-Za-z0-9_-])/g,
  },
  {
    kind: "secret.url_password",
    re: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/[^\s:/@]{1,128}:([^\s:/@]{1,256})@[A-Za-z0-9[]/dg,
    group: 1,
    // "://" after the scheme, which starts where the run of scheme characters does.
    anchor: {
      literals: ["://"],
      start(text, at) {
        const s = backOver(text, at, 32, isSchemeChar);
        return s < at ? s : -1;
      },
    },
  },
  {
    kind: "secret.env_assignment",
    re: /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]{0,63})[ \t]{0,3}[=:][ \t]{0,3}(["']?)([^\s"'`,;]{16,512})/dg,
    refine: classifyEnv,
    group: 3,
    // "=" or ":" after up to 3 blanks after the name, which starts where the word does.
    anchor: {
      literals: ["=", ":"],
      start(text, at) {
        const blanks = backOver(text, at, 3, isBlank);
        const s = backOver(text, blanks, 64, isWord);
        return s < blanks ? s : -1;
      },
    },
  },
  {
    kind: "pii.cn_uscc",
    re: /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g,
    refine: validUscc,
  },
  {
    kind: "pii.passport",
    re: /(?<![0-9A-Za-z])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[DPS][0-9]{7,8})(?![0-9A-Za-z])/g,
  },
  {
    // GA 36-2018 plates: province character, issuing-office letter, then five characters
    // (no I or O; the last may be 挂/学/警), or six for new-energy vehicles (D/F first or last).
    kind: "pii.cn_license_plate",
    re: /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·• -]?(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警])(?![0-9A-Za-z])/g,
  },
];
