/**
 * The receipt (issue 5; DESIGN §8): what the relay did for one request, as the
 * text of a C2SP signed note (c2sp.org/signed-note) — one `name value` line per
 * fact, so anyone can read it and tools that know notes can sign and check it.
 * The same bytes are the request's entry in the transparency log.
 *
 * Values are percent-encoded outside printable ASCII (and `%` itself), so a
 * client-chosen model name cannot add or forge a line.
 */

export const RECEIPT_HEADER = "overt.receipt/v1";

export interface ReceiptUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export interface Receipt {
  id: string;
  /** ISO 8601 UTC, milliseconds. */
  time: string;
  /** HMAC-SHA-256, keyed by the per-request blind, of the request body as received (hex). */
  request: string;
  /** The same over every response byte as sent (for streams, all event bytes). */
  response: string;
  model: string;
  /** Provider instance, upstream host and upstream model; "-" when no upstream was tried. */
  provider: string;
  endpoint: string;
  upstreamModel: string;
  upstreamResponseId: string;
  upstreamRequestId: string;
  upstreamUsage: ReceiptUsage | null;
  billed: (ReceiptUsage & { source: string; costNano: string; currency: string }) | null;
  /** Translation, redaction classes, model mapping: everything changed on the way. */
  transformations: string[];
  /** Log index of the routing policy in force, or -1 when none was logged. */
  policy: number;
  status: string;
  httpStatus: number;
}

const SAFE = /^[\x21-\x24\x26-\x7e]*$/;

export function encodeValue(value: string): string {
  if (value === "") return "-";
  if (SAFE.test(value)) return value;
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    out +=
      byte >= 0x21 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function decodeValue(value: string): string {
  if (value === "-") return "";
  return decodeURIComponent(value);
}

function usageText(u: ReceiptUsage): string {
  return `input=${u.input} cached=${u.cached} cache-write=${u.cacheWrite} output=${u.output} reasoning=${u.reasoning}`;
}

/** The note text: ends with a newline, as signed notes require. (One concatenation: it runs per request.) */
export function formatReceipt(r: Receipt): string {
  const billed = r.billed
    ? `${usageText(r.billed)} source=${r.billed.source} cost=${r.billed.costNano} ${r.billed.currency}`
    : "-";
  const transform = r.transformations.length > 0 ? r.transformations.map(encodeValue).join(",") : "-";
  return (
    `${RECEIPT_HEADER}\n` +
    `id ${encodeValue(r.id)}\n` +
    `time ${r.time}\n` +
    `request hmac-sha256:${r.request}\n` +
    `response hmac-sha256:${r.response}\n` +
    `model ${encodeValue(r.model)}\n` +
    `route ${encodeValue(r.provider)} ${encodeValue(r.endpoint)} ${encodeValue(r.upstreamModel)}\n` +
    `upstream-response-id ${encodeValue(r.upstreamResponseId)}\n` +
    `upstream-request-id ${encodeValue(r.upstreamRequestId)}\n` +
    `upstream-usage ${r.upstreamUsage ? usageText(r.upstreamUsage) : "-"}\n` +
    `billed ${billed}\n` +
    `transform ${transform}\n` +
    `policy ${r.policy}\n` +
    `status ${encodeValue(r.status)} ${r.httpStatus}\n`
  );
}

export class ReceiptFormatError extends Error {}

function parseUsage(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(" ")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function count(fields: Record<string, string>, name: string): number {
  const v = fields[name];
  if (v === undefined || !/^\d+$/.test(v))
    throw new ReceiptFormatError(`receipt: usage field ${name} is missing or not a count`);
  return Number(v);
}

/** Parses receipt text produced by formatReceipt; throws ReceiptFormatError naming the bad line. */
export function parseReceipt(text: string): Receipt {
  if (!text.endsWith("\n")) throw new ReceiptFormatError("receipt: text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines[0] !== RECEIPT_HEADER)
    throw new ReceiptFormatError(`receipt: first line must be ${RECEIPT_HEADER}`);
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const space = line.indexOf(" ");
    if (space <= 0) throw new ReceiptFormatError(`receipt: malformed line "${line.slice(0, 40)}"`);
    fields.set(line.slice(0, space), line.slice(space + 1));
  }
  const get = (name: string): string => {
    const v = fields.get(name);
    if (v === undefined) throw new ReceiptFormatError(`receipt: missing line "${name}"`);
    return v;
  };
  const mac = (name: string): string => {
    const v = get(name);
    if (!/^hmac-sha256:[0-9a-f]{64}$/.test(v))
      throw new ReceiptFormatError(`receipt: ${name} is not hmac-sha256:<64 hex>`);
    return v.slice("hmac-sha256:".length);
  };
  const route = get("route").split(" ");
  if (route.length !== 3)
    throw new ReceiptFormatError("receipt: route must be <provider> <endpoint> <model>");
  const usage = (raw: string): ReceiptUsage | null => {
    if (raw === "-") return null;
    const f = parseUsage(raw);
    return {
      input: count(f, "input"),
      cached: count(f, "cached"),
      cacheWrite: count(f, "cache-write"),
      output: count(f, "output"),
      reasoning: count(f, "reasoning"),
    };
  };
  const billedRaw = get("billed");
  const billedUsage = usage(billedRaw.replace(/ [A-Z]{3}$/, ""));
  const billedFields = parseUsage(billedRaw);
  const status = get("status").split(" ");
  const transform = get("transform");
  return {
    id: decodeValue(get("id")),
    time: get("time"),
    request: mac("request"),
    response: mac("response"),
    model: decodeValue(get("model")),
    provider: decodeValue(route[0] ?? "-"),
    endpoint: decodeValue(route[1] ?? "-"),
    upstreamModel: decodeValue(route[2] ?? "-"),
    upstreamResponseId: decodeValue(get("upstream-response-id")),
    upstreamRequestId: decodeValue(get("upstream-request-id")),
    upstreamUsage: usage(get("upstream-usage")),
    billed:
      billedUsage === null
        ? null
        : {
            ...billedUsage,
            source: billedFields.source ?? "",
            costNano: (billedFields.cost ?? "0").split(" ")[0] ?? "0",
            currency: billedRaw.slice(-3),
          },
    transformations: transform === "-" ? [] : transform.split(",").map(decodeValue),
    policy: Number(get("policy")),
    status: decodeValue(status[0] ?? ""),
    httpStatus: Number(status[1] ?? "0"),
  };
}
