/**
 * AWS event stream framing (`application/vnd.amazon.eventstream`), as
 * ConverseStream answers and @smithy/eventstream-codec reads it:
 *
 *   total length (u32 BE) | headers length (u32 BE) | prelude CRC32 (u32 BE, of the 8 bytes before)
 *   headers | payload | message CRC32 (u32 BE, of everything before it)
 *
 * A header is: name length (u8), name (UTF-8), value type (u8), value. Types:
 * 0 true, 1 false, 2 byte, 3 short, 4 integer, 5 long, 6 byte array (u16 length),
 * 7 string (u16 length), 8 timestamp (i64 ms), 9 UUID (16 bytes). Decoded
 * values are given as strings (booleans "true"/"false", numbers in decimal,
 * byte arrays in base64, timestamps as ISO 8601, UUIDs in hex).
 *
 * `converseEventOf` reads a frame's `:message-type` (event, exception or
 * error) and its `:event-type` / `:exception-type` / `:error-code`.
 *
 * A frame that is too short, too long, or fails a CRC throws
 * OVT_ERR_UPSTREAM_PROTOCOL: nothing after a corrupt frame can be trusted.
 */
import { crc32 } from "node:zlib";
import { OvertError } from "../../errors/overt-error.js";

export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

const PRELUDE = 12;
const OVERHEAD = PRELUDE + 4;
/** The format's limits (as in @smithy/eventstream-codec): 16 MiB a message, 128 KiB of headers. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const MAX_HEADERS_BYTES = 128 * 1024;

function malformed(provider: string): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider });
}

function readHeaders(bytes: Uint8Array, provider: string): Record<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, string> = {};
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw malformed(provider);
  };
  while (at < bytes.length) {
    need(1);
    const nameLength = bytes[at] ?? 0;
    at += 1;
    need(nameLength + 1);
    const name = Buffer.from(bytes.subarray(at, at + nameLength)).toString("utf8");
    at += nameLength;
    const type = bytes[at];
    at += 1;
    let value: string;
    switch (type) {
      case 0:
      case 1:
        value = type === 0 ? "true" : "false";
        break;
      case 2:
        need(1);
        value = String(view.getInt8(at));
        at += 1;
        break;
      case 3:
        need(2);
        value = String(view.getInt16(at));
        at += 2;
        break;
      case 4:
        need(4);
        value = String(view.getInt32(at));
        at += 4;
        break;
      case 5:
      case 8: {
        need(8);
        const n = view.getBigInt64(at);
        value = type === 5 ? n.toString() : new Date(Number(n)).toISOString();
        at += 8;
        break;
      }
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(at);
        at += 2;
        need(length);
        const raw = Buffer.from(bytes.subarray(at, at + length));
        value = type === 7 ? raw.toString("utf8") : raw.toString("base64");
        at += length;
        break;
      }
      case 9:
        need(16);
        value = Buffer.from(bytes.subarray(at, at + 16)).toString("hex");
        at += 16;
        break;
      default:
        throw malformed(provider);
    }
    headers[name] = value;
  }
  return headers;
}

/** Splits a byte stream into event-stream messages; keeps a partial frame until the rest arrives. */
export class EventStreamDecoder {
  readonly #provider: string;
  readonly #maxMessageBytes: number;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(provider = "upstream", maxMessageBytes = MAX_MESSAGE_BYTES) {
    this.#provider = provider;
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** Bytes of an unfinished frame still held (non-zero at end of stream means it was cut). */
  get pending(): number {
    return this.#buffer.length;
  }

  push(bytes: Uint8Array): EventStreamMessage[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.#buffer, bytes]);
    const out: EventStreamMessage[] = [];
    while (this.#buffer.length >= PRELUDE) {
      const buf = this.#buffer;
      const total = buf.readUInt32BE(0);
      const headersLength = buf.readUInt32BE(4);
      if (crc32(buf.subarray(0, 8)) !== buf.readUInt32BE(8)) throw malformed(this.#provider);
      if (total < OVERHEAD || total > this.#maxMessageBytes) throw malformed(this.#provider);
      if (headersLength > MAX_HEADERS_BYTES || headersLength > total - OVERHEAD)
        throw malformed(this.#provider);
      if (buf.length < total) break;
      if (crc32(buf.subarray(0, total - 4)) !== buf.readUInt32BE(total - 4)) throw malformed(this.#provider);
      const headers = readHeaders(buf.subarray(PRELUDE, PRELUDE + headersLength), this.#provider);
      const payload = Uint8Array.from(buf.subarray(PRELUDE + headersLength, total - 4));
      out.push({ headers, payload });
      this.#buffer = buf.subarray(total);
    }
    return out;
  }
}

/** One frame with string-valued headers (type 7), for the simulator and tests. */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(value, "utf8");
    const head = Buffer.alloc(1 + n.length + 3);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(7, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  const headerBytes = Buffer.concat(parts);
  const total = OVERHEAD + headerBytes.length + payload.length;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, PRELUDE);
  Buffer.from(payload).copy(out, PRELUDE + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The Converse event a frame carries: `:event-type` for events, `:exception-type` for exceptions. */
export function converseEventOf(
  message: EventStreamMessage,
  provider = "upstream",
): { eventType: string; payload: unknown; exception: boolean } {
  const kind = message.headers[":message-type"] ?? "event";
  let payload: unknown = {};
  const text = Buffer.from(message.payload).toString("utf8");
  if (text !== "") {
    try {
      payload = JSON.parse(text);
    } catch {
      throw malformed(provider);
    }
  }
  if (kind === "exception") {
    return { eventType: message.headers[":exception-type"] ?? "exception", payload, exception: true };
  }
  if (kind === "error") {
    const code = message.headers[":error-code"] ?? "error";
    return {
      eventType: code,
      payload: { message: message.headers[":error-message"] ?? "" },
      exception: true,
    };
  }
  return { eventType: message.headers[":event-type"] ?? "", payload, exception: false };
}
