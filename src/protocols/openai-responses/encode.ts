/**
 * Non-streaming Responses API response: folds the IR events of a whole response
 * into the `response` object (https://platform.openai.com/docs/api-reference/responses/object).
 * Output items: see output.ts; status and incomplete_details: see outcomeOf.
 * When the response is incomplete, its last output item is the one that was cut
 * and has status `incomplete`; the others are `completed`. Only choice 0 is
 * read (a Responses request never asks for more). `output_text` (the SDK's
 * convenience) is not sent: the SDK computes it from `output`.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import { itemObject, OutputBuilder } from "./output.js";
import {
  DEFAULT_ECHO,
  nowSeconds,
  outcomeOf,
  type ResponseEcho,
  responseIdFor,
  responseObject,
  responsesUsage,
  type TransformSink,
} from "./wire.js";

export interface ResponsesEncodeOptions {
  /** The `id` to send; default derived from the upstream's id (see responseIdFor). */
  id?: string;
  /** `created_at` (Unix seconds); default the upstream's, else now. */
  createdAt?: number;
  /** `model`; default the model the upstream reported (the one that answered). */
  model?: string;
  /** The request's settings to echo (responseEchoOf(body)); default the API's defaults. */
  echo?: ResponseEcho;
  /** Receives `dropped:*` labels for what the response could not carry. */
  transforms?: TransformSink;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
}

/** Builds the `response` for a complete upstream answer; throws an OvertError if the events describe a failure. */
export function encodeResponse(
  events: readonly IrEvent[],
  options: ResponsesEncodeOptions = {},
): Record<string, unknown> {
  const provider = options.provider ?? "upstream";
  const echo = options.echo ?? DEFAULT_ECHO;
  const start = events.find((e): e is Extract<IrEvent, { type: "start" }> => e.type === "start");
  const id = options.id ?? responseIdFor(start?.id ?? "");
  const out = new OutputBuilder(id, provider);
  const dropped = new Set<string>();
  let finish: Extract<IrEvent, { type: "finish" }> | undefined;
  let usage: Usage | undefined;

  for (const event of events) {
    switch (event.type) {
      case "start":
        break;
      case "usage":
        usage = event.usage;
        break;
      case "error":
        throw new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider, detail: event.message });
      default: {
        if (event.choice !== 0) break;
        switch (event.type) {
          case "text_delta": {
            if (event.text === "") break;
            const { item } = out.ensure(event.index, "message");
            item.hasPart = true;
            item.text += event.text;
            break;
          }
          case "thinking_delta": {
            const { item } = out.ensure(event.index, "reasoning");
            item.text += event.text;
            if (event.signature !== undefined) {
              if (echo.encryptedReasoning) item.signature = event.signature;
              else dropped.add("dropped:thinking_signature");
            }
            break;
          }
          case "tool_call_start":
            out.open(event.index, "function_call", { callId: event.id, name: event.name });
            break;
          case "tool_call_delta":
            out.call(event.index).text += event.argumentsJson;
            break;
          case "block_stop": {
            const item = out.get(event.index);
            if (item) item.closed = true;
            break;
          }
          case "finish":
            finish ??= event;
            break;
        }
      }
    }
  }
  if (!finish) {
    throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "no finish reason" });
  }
  if (finish.reason === "error") {
    throw new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: finish.rawReason ?? "error" });
  }
  const outcome = outcomeOf(finish.reason);
  for (const item of out.items) item.status = "completed";
  const last = out.items.at(-1);
  if (last && outcome.status === "incomplete") last.status = "incomplete";
  for (const label of dropped) options.transforms?.add(label);
  return responseObject({
    id,
    createdAt: options.createdAt ?? start?.created ?? nowSeconds(),
    model: options.model ?? start?.model ?? "",
    status: outcome.status,
    error: null,
    incompleteDetails: outcome.incomplete_details,
    output: out.items.map((item) => itemObject(item, echo.encryptedReasoning)),
    usage: usage ? responsesUsage(usage) : null,
    echo,
  });
}
