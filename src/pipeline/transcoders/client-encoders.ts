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
import { encodeGenerateContentResponse } from "../../protocols/gemini/encode.js";
import { GenerateContentStreamEncoder } from "../../protocols/gemini/stream.js";
import { encodeChatCompletion } from "../../protocols/openai-chat/encode.js";
import { ChatCompletionsStreamEncoder } from "../../protocols/openai-chat/stream.js";
import { encodeResponse } from "../../protocols/openai-responses/encode.js";
import { ResponsesStreamEncoder } from "../../protocols/openai-responses/stream.js";
import { responseEchoOf } from "../../protocols/openai-responses/wire.js";

export interface ClientStreamEncoder {
  push(event: IrEvent): string;
  /** Called once the upstream completed: the terminal events, or a failure when the output was not complete. */
  end(): { out: string; failure?: OvertError };
  /** The dialect's in-stream error when its framing depends on the stream so far (Gemini's JSON array). */
  error?(failure: OvertError): string;
}

export interface EncoderOptions {
  provider: string;
  requestId: string;
  includeUsage: boolean;
  /** Gemini streams: SSE (`alt=sse`) or one JSON array. */
  sse?: boolean;
  /** The client's parsed body, for dialects whose answers echo request settings (Responses). */
  clientBody?: Record<string, unknown>;
}

type StreamFactory = (options: EncoderOptions) => ClientStreamEncoder;
type BodyEncoder = (events: readonly IrEvent[], options: EncoderOptions) => unknown;

const STREAMS: Partial<Record<ClientDialect, StreamFactory>> = {
  "anthropic-messages": ({ provider, requestId }) => {
    const encoder = new MessagesStreamEncoder({ provider, requestId });
    return { push: (e) => encoder.push(e), end: () => ({ out: encoder.end() }) };
  },
  "openai-chat": ({ provider, requestId, includeUsage }) => {
    const encoder = new ChatCompletionsStreamEncoder({ includeUsage, provider, requestId });
    return {
      push: encoder.push.bind(encoder),
      end: () => {
        const out = encoder.end();
        return encoder.failure ? { out, failure: encoder.failure } : { out };
      },
    };
  },
};

STREAMS["openai-responses"] = ({ provider, requestId, clientBody }) => {
  const encoder = new ResponsesStreamEncoder({ provider, requestId, echo: responseEchoOf(clientBody) });
  return {
    push: encoder.push.bind(encoder),
    end: () => {
      const out = encoder.end();
      return encoder.failure ? { out, failure: encoder.failure } : { out };
    },
    // Codex reads `response.failed`, which needs the stream's own state (sequence numbers, items).
    error: (failure) => encoder.error(failure),
  };
};

STREAMS.gemini = ({ provider, requestId, sse }) => {
  const encoder = new GenerateContentStreamEncoder({ sse: sse !== false, provider, requestId });
  return {
    push: encoder.push.bind(encoder),
    end: () => {
      const out = encoder.end();
      return encoder.failure ? { out, failure: encoder.failure } : { out };
    },
    error: (failure) => encoder.error(failure),
  };
};

const BODIES: Partial<Record<ClientDialect, BodyEncoder>> = {
  gemini: (events, { provider }) => encodeGenerateContentResponse(events, { provider }),
  "openai-responses": (events, { provider, clientBody }) =>
    encodeResponse(events, { provider, echo: responseEchoOf(clientBody) }),
  "anthropic-messages": (events, { provider }) => encodeMessagesResponse(events, { provider }),
  "openai-chat": (events, { provider }) => encodeChatCompletion(events, { provider }),
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
  options: EncoderOptions,
): string {
  const encode = BODIES[dialect];
  if (!encode) throw new Error(`no body encoder for ${dialect}`);
  return JSON.stringify(encode(events, options));
}
