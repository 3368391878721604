/**
 * Finds every text a request carries, in any client dialect, and scans it
 * (issue 4; security catalogue B15–B17). The walk is generic over the parsed
 * JSON body rather than a per-dialect field list, so a field the relay does not
 * know (a new beta parameter forwarded by passthrough) is scanned too. Skipped:
 * only signatures, encrypted model state and base64 media, which must reach the
 * upstream byte-exact and cannot carry prose.
 *
 * Two shapes get special care:
 * - consecutive text parts of one content array (`[{type:"text",text:"1101"},
 *   {type:"text",text:"05…"}]`, Gemini `parts`) are scanned as one text, so a
 *   value split across parts is still found (B17);
 * - strings that hold JSON (tool-call arguments, tool results) are parsed and
 *   their strings scanned after unescaping, so `\u0031\u0031…` hides nothing (B17).
 */
import { detect } from "./detectors.js";
import type { Finding } from "./types.js";

/**
 * Fields that must reach the upstream byte-exact and carry no prose: signed or
 * encrypted model state, and base64 media. Decided by the object's shape, not
 * the key alone, so a tool argument that happens to be called `data` or
 * `signature` is still scanned.
 */
function mustPassUntouched(record: Record<string, unknown>, key: string): boolean {
  switch (key) {
    case "thoughtSignature":
    case "thought_signature":
    case "encrypted_content":
      return true;
    case "signature":
      return record.type === "thinking";
    case "data":
      return (
        record.type === "redacted_thinking" ||
        record.type === "base64" ||
        typeof record.media_type === "string" ||
        typeof record.mimeType === "string" ||
        typeof record.mime_type === "string"
      );
    default:
      return false;
  }
}

/** A string inside a JSON document: where it is and how to put a new value back. */
export interface Slot {
  path: string;
  text: string;
  set(value: string): void;
}

/** Texts scanned together (one field, or consecutive parts of one content array). */
export interface Run {
  /** Position in walk order: the same body walked again yields the same runs. */
  index: number;
  slots: Slot[];
  /** The slots' texts joined (no separator: a value may continue from one part into the next). */
  text: string;
  findings: Finding[];
}

export interface ScanResult {
  runs: Run[];
  /** Runs with at least one finding. */
  hits: Run[];
  /** Characters scanned. */
  scanned: number;
}

export class ScanTooLargeError extends Error {}

const MAX_DEPTH = 64;

function pathOf(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? base === ""
      ? key
      : `${base}.${key}`
    : `${base}[${JSON.stringify(key)}]`;
}

function isTextPart(value: unknown): value is { text: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { text?: unknown }).text === "string"
  );
}

/** A string that is itself a JSON object or array (tool arguments, tool results). */
function parseEmbeddedJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

class Walker {
  readonly runs: Run[] = [];
  /** Re-serialisations of embedded JSON documents, in walk order (outer before inner), and the edited ones. */
  readonly #dirty = new Set<() => void>();
  readonly #order: (() => void)[] = [];
  scanned = 0;
  constructor(private readonly limit: number) {}

  run(slots: Slot[]): void {
    const text = slots.length === 1 ? (slots[0] as Slot).text : slots.map((s) => s.text).join("");
    this.scanned += text.length;
    if (this.scanned > this.limit) throw new ScanTooLargeError();
    this.runs.push({ index: this.runs.length, slots, text, findings: [] });
  }

  string(text: string, path: string, set: (value: string) => void, depth: number): void {
    if (text.length === 0 || text.startsWith("data:")) return;
    const embedded = depth < MAX_DEPTH ? parseEmbeddedJson(text) : undefined;
    if (embedded !== undefined) {
      // Scan the decoded strings; an edited document is re-serialised once, at commit().
      const flush = () => set(JSON.stringify(embedded));
      this.#order.push(flush);
      const before = this.runs.length;
      this.value(embedded, `${path}(json)`, depth + 1);
      for (const run of this.runs.slice(before)) {
        for (const slot of run.slots) {
          const inner = slot.set;
          slot.set = (value) => {
            inner(value);
            this.#dirty.add(flush);
          };
        }
      }
      return;
    }
    this.run([{ path, text, set }]);
  }

  value(value: unknown, path: string, depth: number): void {
    if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      this.array(value, path, depth);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (mustPassUntouched(record, key)) continue;
      const child = record[key];
      const childPath = pathOf(path, key);
      if (typeof child === "string") {
        this.string(
          child,
          childPath,
          (v) => {
            record[key] = v;
          },
          depth,
        );
      } else this.value(child, childPath, depth + 1);
    }
  }

  array(items: unknown[], path: string, depth: number): void {
    let i = 0;
    while (i < items.length) {
      const item = items[i];
      if (typeof item === "string") {
        const at = i;
        this.string(
          item,
          pathOf(path, i),
          (v) => {
            items[at] = v;
          },
          depth,
        );
        i++;
        continue;
      }
      if (!isTextPart(item) || parseEmbeddedJson(item.text) !== undefined) {
        this.value(item, pathOf(path, i), depth + 1);
        i++;
        continue;
      }
      // A run of consecutive text parts, scanned as one text.
      const slots: Slot[] = [];
      while (i < items.length) {
        const part = items[i];
        if (!isTextPart(part) || parseEmbeddedJson(part.text) !== undefined) break;
        const partPath = pathOf(path, i);
        slots.push({
          path: `${partPath}.text`,
          text: part.text,
          set: (v) => {
            part.text = v;
          },
        });
        // The part's other fields (cache_control, citations…) are scanned on their own.
        const { text: _text, ...rest } = part;
        this.value(rest, partPath, depth + 1);
        i++;
      }
      if (slots.some((s) => s.text.length > 0)) this.run(slots);
    }
  }

  /**
   * Writes edited embedded documents back into their strings: inner documents
   * first (they were registered after the documents that contain them), and a
   * document that contains an edited one counts as edited.
   */
  commit(): void {
    for (let i = this.#order.length - 1; i >= 0; i--) {
      const flush = this.#order[i] as () => void;
      if (this.#dirty.has(flush)) flush();
    }
    this.#dirty.clear();
  }
}

export interface CollectedRuns {
  runs: Run[];
  /** Call once after editing slots: re-serialises the embedded JSON documents that changed. */
  commit(): void;
}

/** Every text run in `body`, in walk order; slots write into `body` itself. */
export function collectRuns(body: unknown, limit: number): CollectedRuns {
  const walker = new Walker(limit);
  walker.value(body, "", 0);
  return { runs: walker.runs, commit: () => walker.commit() };
}

/**
 * Scans every text in `body` (a parsed request; not modified). `limit` bounds
 * the characters scanned: beyond it ScanTooLargeError is thrown (fail closed).
 * `extra` adds detectors (the relay's own upstream keys).
 */
export function scanBody(body: unknown, limit: number, extra?: (text: string) => Finding[]): ScanResult {
  const { runs } = collectRuns(body, limit);
  let scanned = 0;
  const hits: Run[] = [];
  for (const run of runs) {
    scanned += run.text.length;
    run.findings = detect(run.text);
    if (extra) {
      const more = extra(run.text);
      if (more.length > 0) run.findings = mergeFindings(run.findings, more);
    }
    if (run.findings.length > 0) hits.push(run);
  }
  return { runs, hits, scanned };
}

/** Extra findings win over detector findings they overlap (they are exact matches). */
function mergeFindings(found: Finding[], exact: Finding[]): Finding[] {
  const kept = found.filter((f) => !exact.some((x) => f.start < x.end && x.start < f.end));
  return [...kept, ...exact].sort((a, b) => a.start - b.start);
}
