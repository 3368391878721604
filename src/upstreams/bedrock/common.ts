/**
 * Pieces shared by the Bedrock Converse translation (request encoder, response
 * and stream decoders): transformation labels, refusals and invalid-response
 * errors. Kept local so the adapter depends on no other adapter's internals.
 */
import { OvertError } from "../../errors/overt-error.js";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An ordered set of transformation labels (`dropped:seed`, `merged:consecutive_user_messages`, …). */
export class Transforms {
  readonly #labels = new Set<string>();
  add(label: string): void {
    this.#labels.add(label);
  }
  list(): string[] {
    return [...this.#labels];
  }
}

/** OVT_ERR_TRANSLATE_UNSUPPORTED (400) naming the request field at fault. */
export function refuse(param: string, feature: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_TRANSLATE_UNSUPPORTED", { feature, detail }, { param });
}

export function invalidResponse(provider: string, detail: string): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail });
}
