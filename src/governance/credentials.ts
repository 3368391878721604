/**
 * Reads the client's relay credential from request headers. Every dialect's
 * header is accepted (OpenAI `Authorization: Bearer`, Anthropic `x-api-key`, Gemini `x-goog-api-key`,
 * Azure `api-key`); two different values are refused rather than guessed
 * (security catalogue A2, A9).
 */
import { OvertError } from "../errors/overt-error.js";

type HeaderBag = Record<string, string | string[] | undefined>;

const MAX_CREDENTIAL_LENGTH = 256;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function extractCredential(headers: HeaderBag): string {
  const authorization = single(headers.authorization);
  const candidates: Array<[string, string]> = [];
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
    if (!match || authorization.length > MAX_CREDENTIAL_LENGTH + 16) {
      throw new OvertError("OVT_ERR_AUTH_INVALID_KEY_FORMAT");
    }
    candidates.push(["authorization", match[1] ?? ""]);
  }
  for (const header of ["x-api-key", "api-key", "x-goog-api-key"]) {
    const value = single(headers[header]);
    if (value !== undefined) candidates.push([header, value.trim()]);
  }
  const first = candidates[0];
  if (first === undefined) throw new OvertError("OVT_ERR_AUTH_MISSING_KEY");
  for (const [header, value] of candidates.slice(1)) {
    if (value !== first[1]) throw new OvertError("OVT_ERR_AUTH_AMBIGUOUS_CREDENTIALS", { header });
  }
  const token = first[1];
  if (token.length === 0 || token.length > MAX_CREDENTIAL_LENGTH || /\s/.test(token)) {
    throw new OvertError("OVT_ERR_AUTH_INVALID_KEY_FORMAT");
  }
  return token;
}
