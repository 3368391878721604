/** K1/K2 canaries: the values planted in every request, every encoding they could leak in, and the scans of files and database tables for them. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { isCnResidentId } from "../../../src/guard/checksums.js";
import { sqliteConstructor } from "../../../src/storage/sqlite-driver.js";

// ---------------------------------------------------------------- canaries

export const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A GB 11643 resident ID with a random sequence number and a valid check character. */
export function canaryResidentId(): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sequence = String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, "0");
  const body = `11010519870615${sequence}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i]!;
  return body + "10X98765432"[sum % 11]!;
}

export interface Canaries {
  /** Not sensitive: reaches the upstream and comes back in echo answers, and nowhere else. */
  marker: string;
  residentId: string;
  email: string;
  openAiKey: string;
  /** The relay's own upstream keys (oai's is also pasted into prompts). */
  upstreamOai: string;
  upstreamAnthropic: string;
  upstreamGemini: string;
}

export function newCanaries(): Canaries {
  const residentId = canaryResidentId();
  assert.ok(isCnResidentId(residentId), residentId);
  return {
    marker: `CANARY-${hex(12)}`,
    residentId,
    email: `k1.${hex(6)}@example.com`,
    openAiKey: `sk-proj-${hex(12)}T3BlbkFJ${hex(12)}`,
    // Shapes no generic pattern knows: only the relay's knowledge of its own keys protects them.
    upstreamOai: `upk-oai-${hex(20)}`,
    upstreamAnthropic: `upk-ant-${hex(20)}`,
    upstreamGemini: `upk-gem-${hex(20)}`,
  };
}

/** The prose marker, and the random parts of the marker and the email on their own (a partial copy is a copy). */
export function cores(c: Canaries): Record<string, string> {
  return {
    "prose marker": c.marker,
    "prose marker (random part)": c.marker.slice("CANARY-".length),
    "email (random part)": c.email.slice("k1.".length, c.email.indexOf("@")),
  };
}

/** Prompt text carrying every canary; `scenario:<name>` tells the simulators how to answer. */
export function prompt(c: Canaries, scenario: string): string {
  return (
    `scenario:${scenario} 金丝雀 ${c.marker}. My ID card is ${c.residentId}, mail me at ${c.email}. ` +
    `Debug this: OPENAI key ${c.openAiKey}, and the relay's upstream key is ${c.upstreamOai}.`
  );
}

// ---------------------------------------------------------------- encodings and scanning

export interface Needle {
  label: string;
  bytes: Buffer;
}

/** Every form a value can take in a log line, a JSON body, an SSE event, a SQLite page or an encoded blob. */
export function encodings(name: string, value: string): Needle[] {
  const forms = new Map<string, Buffer>();
  const add = (label: string, text: string | Buffer) => {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    if (bytes.length >= 8) forms.set(label, bytes);
  };
  add("raw", value);
  const once = JSON.stringify(value).slice(1, -1);
  add("json", once);
  add("json-twice", JSON.stringify(once).slice(1, -1));
  add("json-ascii", [...value].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""));
  add("url", encodeURIComponent(value));
  add("hex", Buffer.from(value, "utf8").toString("hex"));
  add("utf16le", Buffer.from(value, "utf16le"));
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), Buffer.from(value, "utf8")]).toString("base64");
    // Drop the groups the neighbouring bytes influence; what is left appears whatever surrounds the value.
    const stable = b64.slice(pad > 0 ? 4 : 0, -4);
    add(`base64@${pad}`, stable);
    add(`base64url@${pad}`, stable.replaceAll("+", "-").replaceAll("/", "_"));
  }
  const out: Needle[] = [];
  const seen = new Set<string>();
  for (const [form, bytes] of forms) {
    const id = bytes.toString("hex");
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ label: `${name} (${form})`, bytes });
  }
  return out;
}

export function needlesFor(values: Record<string, string>): Needle[] {
  return Object.entries(values).flatMap(([name, value]) => encodings(name, value));
}

export function found(haystack: Buffer | string, needles: readonly Needle[]): string[] {
  const bytes = typeof haystack === "string" ? Buffer.from(haystack, "utf8") : haystack;
  return needles.filter((n) => bytes.includes(n.bytes)).map((n) => n.label);
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** `file: labels` for every file under `dir` whose raw bytes contain a needle. */
export function scanFiles(dir: string, needles: readonly Needle[]): string[] {
  const leaks: string[] = [];
  for (const path of listFiles(dir)) {
    const hits = found(readFileSync(path), needles);
    if (hits.length > 0) leaks.push(`${relative(dir, path)}: ${hits.join(", ")}`);
  }
  return leaks;
}

export type Row = Record<string, unknown>;

export function openDb(path: string) {
  const Database = sqliteConstructor();
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** Every value of every table, as text (blobs as bytes): `table.column: labels` where a needle is found. */
export function scanTables(
  dbPath: string,
  needles: readonly Needle[],
): { leaks: string[]; tables: string[] } {
  const db = openDb(dbPath);
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Row[]
    ).map((r) => String(r.name));
    const leaks: string[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Row[]) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const bytes = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value), "utf8");
          const hits = found(bytes, needles);
          if (hits.length > 0) leaks.push(`${table}.${column}: ${hits.join(", ")}`);
        }
      }
    }
    return { leaks, tables };
  } finally {
    db.close();
  }
}
