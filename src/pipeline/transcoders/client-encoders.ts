/**
 * The client half of a translation: IR events → the client dialect's stream or
 * body. Each dialect's encoder is wrapped to one shape so any upstream decoder
 * pairs with any client encoder (DESIGN §4: N codecs + M adapters, no pairwise
 * translators).
 */
import type { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { encodeMessagesResponse } from "../../protocols/anthropic-messages/encode.js";
import { MessagesStreamEncoder } from "../../protocols/anthropic-messages/stream.js";
import type { ClientDialect } from "../../protocols/codec.js";
import { encodeChatCompletion } from "../../protocols/openai-chat/encode.js";
import { ChatCompletionsStreamEncoder } from "../../protocols/openai-chat/stream.js";

export interface ClientStreamEncoder {
  push(event: IrEvent): string;
  /** Called once the upstream completed: the terminal events, or a failure when the output was not complete. */
  end(): { out: string; failure?: OvertError };
}

export interface EncoderOptions {
  provider: string;
  requestId: string;
  includeUsage: boolean;
}

type StreamFactory = (options: EncoderOptions) => ClientStreamEncoder;
type BodyEncoder = (events: readonly IrEvent[], provider: string) => unknown;

const STREAMS: Partial<Record<ClientDialect, StreamFactory>> = {
  "anthropic-messages": ({ provider, requestId }) => {
    const encoder = new MessagesStreamEncoder({ provider, requestId });
    return { push: (e) => encoder.push(e), end: () => ({ out: encoder.end() }) };
  },
  "openai-chat": ({ provider, requestId, includeUsage }) => {
    const encoder = new ChatCompletionsStreamEncoder({ includeUsage, provider, requestId });
    return {
      push: (e) => encoder.push(e),
      end: () => {
        const out = encoder.end();
        return encoder.failure ? { out, failure: encoder.failure } : { out };
      },
    };
  },
};

const BODIES: Partial<Record<ClientDialect, BodyEncoder>> = {
  "anthropic-messages": (events, provider) => encodeMessagesResponse(events, { provider }),
  "openai-chat": (events, provider) => encodeChatCompletion(events, { provider }),
};

export function canEncode(dialect: ClientDialect): boolean {
  return STREAMS[dialect] !== undefined && BODIES[dialect] !== undefined;
}

export function clientStreamEncoder(dialect: ClientDialect, options: EncoderOptions): ClientStreamEncoder {
  const factory = STREAMS[dialect];
  if (!factory) throw new Error(`no stream encoder for ${dialect}`);
  return factory(options);
}

export function encodeClientBody(
  dialect: ClientDialect,
  events: readonly IrEvent[],
  provider: string,
): string {
  const encode = BODIES[dialect];
  if (!encode) throw new Error(`no body encoder for ${dialect}`);
  return JSON.stringify(encode(events, provider));
}
