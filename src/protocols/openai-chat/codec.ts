/** The OpenAI Chat Completions client dialect. */
import { OvertError } from "../../errors/overt-error.js";
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
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
      ir() {
        throw new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", {
          feature: "OpenAI Chat Completions requests",
          detail: "this relay does not yet translate them for a non-OpenAI-dialect upstream",
        });
      },
      forwardHeaders: {},
    };
  },
};
