/** The Anthropic Messages client dialect (Claude Code, @anthropic-ai/sdk). */
import { OvertError } from "../../errors/overt-error.js";
import type { ClientCodec, ParsedClientRequest } from "../codec.js";
import { decodeMessagesRequest } from "./decode.js";
import { anthropicErrors } from "./errors.js";

/** Client headers a same-dialect upstream needs: beta features and the API version (Claude Code relies on both). */
const FORWARDED = ["anthropic-beta", "anthropic-version"];

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function forwardHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw.join(",") : raw;
    if (value === undefined) continue;
    // Node refuses CR/LF in incoming headers already; NUL and other controls are refused here (catalogue F3).
    if (value.length > 2048 || hasControlCharacter(value)) {
      throw new OvertError("OVT_ERR_REQ_INVALID_HEADER", { header: name }, { param: name });
    }
    out[name] = value;
  }
  return out;
}

export const anthropicMessagesCodec: ClientCodec = {
  dialect: "anthropic-messages",
  errors: anthropicErrors,
  parse(body, headers): ParsedClientRequest {
    const ir = decodeMessagesRequest(body);
    return {
      dialect: "anthropic-messages",
      model: ir.model,
      stream: ir.stream,
      n: 1,
      maxOutputTokens: ir.maxOutputTokens,
      clientWantsUsage: true,
      body: body as Record<string, unknown>,
      ir: () => ir,
      forwardHeaders: forwardHeaders(headers),
    };
  },
};
