/**
 * Everything the settlement needs to know about one request, filled in as the
 * request moves through the stages and read once in `finally`.
 */
import type { ResolvedProvider, TenantConfig } from "../config/types.js";
import type { GuardedBody } from "../guard/request-guard.js";
import type { SettledUsage } from "../ir/usage.js";
import type { UsageStatus, VirtualKeyRecord } from "../storage/ports.js";

export interface RequestState {
  requestId: string;
  startedAt: number;
  key: VirtualKeyRecord | null;
  requestedModel: string;
  stream: boolean;
  /** Bound on output tokens the request set (max_tokens × n), for capping absurd usage. */
  maxOutputTokens: number | undefined;
  n: number;
  provider: ResolvedProvider | null;
  upstreamModel: string | null;
  attempts: number;
  usage: SettledUsage | null;
  /** Characters of generated text delivered to the client (for estimates when usage is missing). */
  deliveredText: string[];
  /** The upstream request body, for input-token estimates. */
  upstreamBody: string | null;
  /**
   * The upstream has (probably) processed the prompt: it answered 200, or the client
   * left while the request was in flight. Only then is usage estimated when the
   * upstream reported none; a failed attempt (429, 5xx, unreachable) costs nothing.
   */
  upstreamEngaged: boolean;
  firstByteAt: number | null;
  /** What the guard did for the upstream last tried (null: no request body reached the guard). */
  guarded: GuardedBody | null;
  /** The response as delivered, when the tenant captures content (pipeline/capture-stage.ts). */
  captured: { tenant: TenantConfig; response: string[]; chars: number; cut: boolean } | null;
  /** For the receipt: the upstream's own ids and what the relay changed on the way. */
  upstreamResponseId: string | null;
  upstreamRequestId: string | null;
  transformations: string[];
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
}

export function newRequestState(requestId: string, startedAt: number): RequestState {
  return {
    requestId,
    startedAt,
    key: null,
    requestedModel: "",
    stream: false,
    maxOutputTokens: undefined,
    n: 1,
    provider: null,
    upstreamModel: null,
    attempts: 0,
    usage: null,
    deliveredText: [],
    upstreamBody: null,
    upstreamEngaged: false,
    firstByteAt: null,
    guarded: null,
    captured: null,
    upstreamResponseId: null,
    upstreamRequestId: null,
    transformations: [],
    status: "error",
    httpStatus: 500,
    errorCode: null,
  };
}
