/**
 * Reads server-sent events from an upstream byte stream (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Bytes are decoded with one streaming TextDecoder so a UTF-8 character split
 * across chunks survives (catalogue C2); eventsource-parser handles CRLF, comments
 * and partial lines (C3).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder("utf-8");
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift() as EventSourceMessage;
  }
  const tail = decoder.decode();
  if (tail.length > 0) parser.feed(tail);
  while (pending.length > 0) yield pending.shift() as EventSourceMessage;
}
