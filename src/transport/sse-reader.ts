/**
 * Decodes server-sent events from upstream bytes (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * One streaming TextDecoder keeps a UTF-8 character split across chunks intact
 * (catalogue C2); eventsource-parser handles CRLF, comments and partial lines (C3).
 * Events come back per network chunk, so a caller handles a chunk's events
 * synchronously and writes once — no promise per event.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type { EventSourceMessage };

export class SseDecoder {
  readonly #decoder = new TextDecoder("utf-8");
  readonly #pending: EventSourceMessage[] = [];
  readonly #parser = createParser({
    onEvent: (event) => {
      this.#pending.push(event);
      this.#sinceEvent = 0;
    },
  });
  #sinceEvent = 0;

  /** Bytes received since the last complete event: an upstream that never ends an event must not grow memory forever. */
  get bytesSinceEvent(): number {
    return this.#sinceEvent;
  }

  /** Feeds one chunk; returns the events it completed (the array is reused: consume it before the next call). */
  push(chunk: Uint8Array): EventSourceMessage[] {
    this.#pending.length = 0;
    this.#sinceEvent += chunk.byteLength;
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }));
    return this.#pending;
  }

  /** Flushes the decoder at end of input; returns any event that completes. */
  end(): EventSourceMessage[] {
    this.#pending.length = 0;
    const tail = this.#decoder.decode();
    if (tail.length > 0) this.#parser.feed(tail);
    return this.#pending;
  }
}
