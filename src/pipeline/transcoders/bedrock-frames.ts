/**
 * Bedrock streams use AWS's binary event-stream framing, not SSE. This turns its
 * frames into the same event shape the SSE reader yields (event name + JSON data),
 * so the one stream relay and the upstream decoders handle both. Exceptions are
 * marked with a "!" before their type.
 */
import type { EventSourceMessage } from "../../transport/sse-reader.js";
import { converseEventOf, EventStreamDecoder } from "../../upstreams/bedrock/eventstream.js";

export class BedrockFrames {
  readonly #decoder: EventStreamDecoder;
  readonly #provider: string;

  constructor(provider: string) {
    this.#provider = provider;
    this.#decoder = new EventStreamDecoder(provider);
  }

  /** Bytes buffered for an incomplete frame (the decoder caps a frame's size itself). */
  get bytesSinceEvent(): number {
    return this.#decoder.pending;
  }

  push(bytes: Uint8Array): EventSourceMessage[] {
    return this.#decoder.push(bytes).map((message) => {
      const { eventType, payload, exception } = converseEventOf(message, this.#provider);
      return { id: undefined, event: exception ? `!${eventType}` : eventType, data: JSON.stringify(payload) };
    });
  }

  end(): EventSourceMessage[] {
    return [];
  }
}
