// The guard benchmark's corpora (documents of each kind, and all kinds mixed) and the inputs built to make
// a careless regex backtrack.
import { chineseDoc, codeDoc, type Doc, englishDoc, jsonDoc } from "./corpus-documents.js";
import { Rng } from "./corpus-rng.js";

export interface Corpus {
  name: string;
  docs: string[];
  /** UTF-8 bytes. */
  bytes: number;
  planted: number;
}

function corpus(name: string, docs: Doc[]): Corpus {
  // Flat strings, as JSON.parse hands them to the guard (built by +=, they would be ropes).
  const texts = JSON.parse(JSON.stringify(docs.map((d) => d.text))) as string[];
  return {
    name,
    docs: texts,
    bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    planted: docs.reduce((n, d) => n + d.planted, 0),
  };
}

type Generator = (r: Rng, bytes: number) => Doc;

/** Documents of 2–14 KB (the size of one message or tool result) until `total` bytes. */
function docs(r: Rng, make: Generator, total: number): Doc[] {
  const out: Doc[] = [];
  let size = 0;
  while (size < total) {
    const d = make(r, 2048 + r.int(12 * 1024));
    out.push(d);
    size += Buffer.byteLength(d.text);
  }
  return out;
}

export const MIXED_SHARES: readonly [string, Generator, number][] = [
  ["english", englishDoc, 0.35],
  ["chinese", chineseDoc, 0.2],
  ["code", codeDoc, 0.25],
  ["json", jsonDoc, 0.2],
];

/** The four corpora of `size` bytes each, and the mixed one (documents of all four, interleaved). */
export function corpora(size: number): Corpus[] {
  const r = new Rng(4);
  const out = [
    corpus("English prose", docs(r, englishDoc, size)),
    corpus("Chinese prose (CJK)", docs(r, chineseDoc, size)),
    corpus("source code + .env", docs(r, codeDoc, size)),
    corpus("JSON tool results", docs(r, jsonDoc, size)),
  ];
  const mixed: Doc[] = [];
  for (const [, make, share] of MIXED_SHARES) mixed.push(...docs(r, make, size * 2 * share));
  for (let i = mixed.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [mixed[i], mixed[j]] = [mixed[j]!, mixed[i]!];
  }
  out.push(corpus("mixed", mixed));
  return out;
}

const MB = 1 << 20;

/** Security catalogue H1: inputs built to make a careless regex backtrack. */
export function adversarial(): [string, string][] {
  return [
    ["1 MB of keykeykey…", "key".repeat(Math.ceil(MB / 3))],
    ["1 MB of aaaa…", "a".repeat(MB)],
    ["token= + 1 MB", `token=${"x".repeat(MB)}`],
    ["-----BEGIN PRIVATE KEY----- + 1 MB", `-----BEGIN PRIVATE KEY-----${"A".repeat(MB)}`],
    ["1 MB of digits", "1234567890".repeat(MB / 10)],
    ["1 MB of `1234 ` groups", "1234 ".repeat(MB / 5)],
    ["1 MB of a@a@…", "a@".repeat(MB / 2)],
    ["1 MB of a:a:…", "a:".repeat(MB / 2)],
    ["1 MB of sk-sk-…", "sk-".repeat(Math.ceil(MB / 3))],
  ];
}
