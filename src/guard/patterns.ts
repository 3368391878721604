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
  },
  {
    kind: "secret.env_assignment",
    re: /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]{0,63})[ \t]{0,3}[=:][ \t]{0,3}(["']?)([^\s"'`,;]{16,512})/dg,
    refine: classifyEnv,
    group: 3,
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
];
