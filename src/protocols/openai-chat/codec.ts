/** The OpenAI Chat Completions client dialect. */
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
import { decodeChatRequest } from "./decode.js";
import { openAiErrors } from "./errors.js";
import { validateChatRequest } from "./validate.js";

export const openAiChatCodec: ClientCodec = {
  dialect: "openai-chat",
  errors: openAiErrors,
  parse(body): ParsedClientRequest {
    const request = validateChatRequest(body);
    return {
      dialect: "openai-chat",
      model: request.model,
      stream: request.stream === true,
      n: request.n ?? 1,
      maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      clientWantsUsage: request.stream_options?.include_usage === true,
      body: request as Record<string, unknown>,
      ir: () => decodeChatRequest(request),
      forwardHeaders: {},
    };
  },
};
