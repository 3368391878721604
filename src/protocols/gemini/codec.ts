/**
 * The Gemini API client dialect (@google/genai, Gemini CLI): AI Studio's
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`.
 *
 * Unlike the other dialects, the model and whether to stream are in the URL,
 * not the body, so a codec is made per request: the route handler takes
 * `{model}` from the path (after `models/`) and the method name from the
 * `:verb` suffix, and calls `geminiCodecFor(model, verb === "streamGenerateContent")`.
 * Whether a stream is SSE (`?alt=sse`, what @google/genai always asks for) or
 * a JSON array is the route's business too: it picks the encoder framing
 * (GenerateContentStreamOptions.sse) and the content type.
 *
 * `parse` validates the whole body at once: a malformed request is answered
 * 400 right away. A valid request the IR cannot carry (a Google server-side
 * tool, cachedContent, audio…) is still fine for a Gemini upstream, which gets
 * the body itself (passthrough), so that refusal is kept and thrown only by
 * `ir()`, when a translation is actually needed.
 */
import { isOvertError, type OvertError } from "../../errors/overt-error.js";
import type { IrRequest } from "../../ir/request.js";
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
import { decodeGenerateContentRequest, modelOf } from "./decode.js";
import { geminiErrors } from "./errors.js";
import { field, isRecord } from "./fields.js";

/** A positive integer setting read without validation (for when the decode stopped at a refusal). */
function peekInt(body: unknown, name: string): number | undefined {
  if (!isRecord(body)) return undefined;
  const config = field(body, "generationConfig", []).value;
  if (!isRecord(config)) return undefined;
  const value = field(config, name, []).value;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function geminiCodecFor(model: string, stream: boolean): ClientCodec {
  return {
    dialect: "gemini",
    errors: geminiErrors,
    parse(body): ParsedClientRequest {
      let ir: IrRequest | undefined;
      let refusal: OvertError | undefined;
      try {
        ir = decodeGenerateContentRequest(model, body, stream);
      } catch (error) {
        if (!isOvertError(error) || error.errorName !== "OVT_ERR_TRANSLATE_UNSUPPORTED") throw error;
        refusal = error;
      }
      return {
        dialect: "gemini",
        model: modelOf(model),
        stream,
        n: ir ? (ir.n ?? 1) : (peekInt(body, "candidateCount") ?? 1),
        maxOutputTokens: ir ? ir.maxOutputTokens : peekInt(body, "maxOutputTokens"),
        clientWantsUsage: true,
        body: body as Record<string, unknown>,
        ir: () => {
          if (refusal) throw refusal;
          return ir!;
        },
        forwardHeaders: {},
      };
    },
  };
}
