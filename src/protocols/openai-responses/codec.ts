/**
 * The OpenAI Responses client dialect (`POST /v1/responses`: Codex CLI, the
 * SDKs' `client.responses.create`). parse() checks the top level (and refuses
 * what needs server-side state); ir() decodes the rest once, on demand.
 *
 * For the pipeline: storeForcedFalse(body) says whether to record "store=false";
 * responseEchoOf(body) gives the encoders the request settings a Response
 * echoes; ResponsesStreamEncoder.error() (not errors.renderStreamError) ends a
 * started stream with both `error` and `response.failed`.
 */
import type { IrRequest } from "../../ir/request.js";
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
import { decodeResponsesRequest, storeForcedFalse, validateResponsesRequest } from "./decode.js";
import { hostedToolNotes } from "./decode-options.js";
import { responsesErrors } from "./errors.js";

export const openAiResponsesCodec: ClientCodec = {
  dialect: "openai-responses",
  errors: responsesErrors,
  parse(body): ParsedClientRequest {
    const request = validateResponsesRequest(body);
    let ir: IrRequest | undefined;
    return {
      dialect: "openai-responses",
      model: request.model,
      stream: request.stream === true,
      n: 1,
      maxOutputTokens: request.max_output_tokens ?? undefined,
      // The usage always arrives in response.completed; there is no option to ask for it.
      clientWantsUsage: true,
      body: request,
      ir: () => {
        ir ??= decodeResponsesRequest(request);
        return ir;
      },
      forwardHeaders: {},
      // Zero retention: nothing is stored upstream on the client's say-so, and the answer says so.
      notes: storeForcedFalse(request) ? ["store=false"] : [],
      translationNotes: hostedToolNotes(request.tools),
    };
  },
};
