/**
 * IR events → Responses API SSE, in the order the API streams
 * (https://platform.openai.com/docs/api-reference/responses-streaming):
 *
 *   response.created, response.in_progress                (status in_progress, output [])
 *   per output item, in order (output.ts says which item each IR block becomes):
 *     response.output_item.added
 *     message:       content_part.added, output_text.delta*, output_text.done, content_part.done
 *     reasoning:     reasoning_summary_part.added, reasoning_summary_text.delta*,
 *                    reasoning_summary_text.done, reasoning_summary_part.done
 *     function_call: function_call_arguments.delta*, function_call_arguments.done
 *     response.output_item.done
 *   response.completed | response.incomplete             (the whole response, with usage)
 *
 * Every event is `event: <type>` + `data: {"type","sequence_number",…}`, the
 * sequence numbering from 0; there is no `[DONE]`.
 *
 * An item's done events are written when its IR block stops, except for the
 * last item so far: it may be the one a max_tokens or content-filter finish cut,
 * so its done events wait for the next item or the finish (then with status
 * `incomplete`). `response.completed`/`.incomplete` is written by `end()`, once
 * the upstream has ended (its usage usually arrives after the finish reason),
 * and only if the output finished normally. Otherwise `end()` writes nothing,
 * `finished` is false and `failure` says why, for the caller to send with
 * `error()`: `event: error` then `event: response.failed` (see errors.ts) —
 * never a fake `response.completed`.
 */
import { errorFromEvent, OvertError } from "../../errors/overt-error.js";
import type { IrEvent, StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import { failedResponseError, streamErrorEvent } from "./errors.js";
import { type ItemKind, itemObject, OutputBuilder, type OutputItem } from "./output.js";
import { ResponsesEventWriter } from "./stream-events.js";
import {
  DEFAULT_ECHO,
  type IncompleteReason,
  nowSeconds,
  outcomeOf,
  type ResponseEcho,
  type ResponseStatus,
  responseIdFor,
  responseObject,
  responsesUsage,
  type TransformSink,
} from "./wire.js";

export interface ResponsesStreamOptions {
  /** The response `id`; default derived from the upstream's id (see responseIdFor). */
  id?: string;
  /** `created_at` (Unix seconds); default the upstream's, else now. */
  createdAt?: number;
  /** `model`; default the model the upstream reported. */
  model?: string;
  /** The request's settings to echo (responseEchoOf(body)); default the API's defaults. */
  echo?: ResponseEcho;
  /** Receives `dropped:*` labels for what the stream could not carry. */
  transforms?: TransformSink;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
  /** Request id (kept for parity with the other encoders; the Responses error event carries none). */
  requestId?: string;
}

type ThinkingDelta = Extract<IrEvent, { type: "thinking_delta" }>;

export class ResponsesStreamEncoder {
  readonly #options: ResponsesStreamOptions;
  readonly #echo: ResponseEcho;
  readonly #dropped = new Set<string>();
  readonly #w = new ResponsesEventWriter();
  #started = false;
  #done = false;
  /** Ended by `end()` (as opposed to by an error). */
  #completed = false;
  #id = "";
  #createdAt = 0;
  #model = "";
  #out: OutputBuilder | undefined;
  /** The last item, its block stopped, its done events held until the next item or the finish. */
  #pending: OutputItem | undefined;
  #finish: Exclude<StopReason, "error"> | undefined;
  /** rawReason of an `error` finish: the upstream stopped generating. */
  #aborted: string | undefined;
  #usage: Usage | undefined;

  constructor(options: ResponsesStreamOptions = {}) {
    this.#options = options;
    this.#echo = options.echo ?? DEFAULT_ECHO;
  }

  /** True once the output finished normally: `end()` will complete the stream. */
  get finished(): boolean {
    if (this.#done && !this.#completed) return false;
    return this.#finish !== undefined && this.#aborted === undefined;
  }

  /** True once nothing more will be written (completed, or ended by an error). */
  get done(): boolean {
    return this.#done;
  }

  /** Why the stream cannot complete, while it is open and not `finished`; undefined otherwise. */
  get failure(): OvertError | undefined {
    if (this.#done || this.finished) return undefined;
    const provider = this.#provider;
    return this.#aborted !== undefined
      ? new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: this.#aborted })
      : new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider });
  }

  /** The SSE text for one IR event; "" when it produces none. */
  push(event: IrEvent): string {
    if (this.#done) return "";
    switch (event.type) {
      case "start":
        return this.#start(event.id, event.model, event.created);
      case "usage":
        this.#usage = event.usage;
        return "";
      case "error":
        return this.error(errorFromEvent(event.code, event.message, "OVT_ERR_UPSTREAM_STREAM_ERROR"));
    }
    if (event.choice !== 0) return ""; // a Responses request never asks for more than one choice
    const prefix = this.#start("", "", undefined);
    const out = this.#out!;
    if (event.type === "finish") return prefix + this.#onFinish(event.reason, event.rawReason);
    if (this.#finish !== undefined || this.#aborted !== undefined) throw out.protocolError();
    switch (event.type) {
      case "text_delta":
        return event.text === "" ? prefix : prefix + this.#text(out, event.index, event.text);
      case "thinking_delta":
        return prefix + this.#thinking(out, event);
      case "tool_call_start":
        return prefix + this.#open(out, event.index, "function_call", { callId: event.id, name: event.name });
      case "tool_call_delta": {
        const item = out.call(event.index);
        if (event.argumentsJson === "") return prefix;
        item.text += event.argumentsJson;
        return prefix + this.#w.argumentsDelta(item, event.argumentsJson);
      }
      case "block_stop":
        return prefix + this.#blockStop(out, event.index);
    }
  }

  /**
   * Completes the stream once the upstream has ended: `response.completed` (or
   * `response.incomplete`) with the whole response. "" if the stream is not
   * `finished`: the caller then sends `error(failure)`.
   */
  end(): string {
    if (this.#done || !this.finished || this.#finish === undefined) return "";
    this.#done = true;
    this.#completed = true;
    const outcome = outcomeOf(this.#finish);
    const type = outcome.status === "completed" ? "response.completed" : "response.incomplete";
    return this.#w.event(type, {
      response: this.#response(outcome.status, null, outcome.incomplete_details),
    });
  }

  /** The in-stream failure after the first byte: `error` then `response.failed`; ends the stream. */
  error(err: OvertError): string {
    if (this.#done) return "";
    this.#done = true;
    const event = streamErrorEvent(err, this.#w.next());
    if (!this.#started) return event;
    return event + this.#w.event("response.failed", { response: this.#response("failed", err, null) });
  }

  get #provider(): string {
    return this.#options.provider ?? "upstream";
  }

  #drop(label: string): void {
    if (this.#dropped.has(label)) return;
    this.#dropped.add(label);
    this.#options.transforms?.add(label);
  }

  #start(upstreamId: string, model: string, created: number | undefined): string {
    if (this.#started) return "";
    this.#started = true;
    this.#id = this.#options.id ?? responseIdFor(upstreamId);
    this.#createdAt = this.#options.createdAt ?? created ?? nowSeconds();
    this.#model = this.#options.model ?? model;
    this.#out = new OutputBuilder(this.#id, this.#provider);
    const response = this.#response("in_progress", null, null);
    return (
      this.#w.event("response.created", { response }) + this.#w.event("response.in_progress", { response })
    );
  }

  #response(
    status: ResponseStatus,
    failure: OvertError | null,
    incomplete: { reason: IncompleteReason } | null,
  ): Record<string, unknown> {
    const sealed = this.#echo.encryptedReasoning;
    const items = status === "in_progress" ? [] : (this.#out?.items ?? []);
    return responseObject({
      id: this.#id,
      createdAt: this.#createdAt,
      model: this.#model,
      status,
      error: failure ? failedResponseError(failure) : null,
      incompleteDetails: incomplete,
      // A failed response shows its items as they were: one still open was cut short.
      output: items.map((item) =>
        item.status === "in_progress"
          ? itemObject({ ...item, status: item.closed ? "completed" : "incomplete" }, sealed)
          : itemObject(item, sealed),
      ),
      usage: status !== "in_progress" && this.#usage ? responsesUsage(this.#usage) : null,
      echo: this.#echo,
    });
  }

  /** Opens an item: the held item (no longer the last) is completed first. */
  #open(out: OutputBuilder, index: number, kind: ItemKind, call?: { callId: string; name: string }): string {
    const s = this.#flushPending();
    return s + this.#w.itemAdded(out.open(index, kind, call), this.#echo.encryptedReasoning);
  }

  #text(out: OutputBuilder, index: number, text: string): string {
    let s = out.get(index) === undefined ? this.#open(out, index, "message") : "";
    const { item } = out.ensure(index, "message");
    if (!item.hasPart) {
      item.hasPart = true;
      s += this.#w.textPartAdded(item);
    }
    item.text += text;
    return s + this.#w.textDelta(item, text);
  }

  #thinking(out: OutputBuilder, event: ThinkingDelta): string {
    let s = out.get(event.index) === undefined ? this.#open(out, event.index, "reasoning") : "";
    const { item } = out.ensure(event.index, "reasoning");
    if (event.signature !== undefined) {
      if (this.#echo.encryptedReasoning) item.signature = event.signature;
      else this.#drop("dropped:thinking_signature");
    }
    if (event.text === "") return s;
    if (!item.hasPart) {
      item.hasPart = true;
      s += this.#w.summaryPartAdded(item);
    }
    item.text += event.text;
    return s + this.#w.summaryDelta(item, event.text);
  }

  #blockStop(out: OutputBuilder, index: number): string {
    const item = out.get(index);
    if (item === undefined || item.closed) return "";
    item.closed = true;
    if (item.outputIndex < out.items.length - 1) return this.#close(item, "completed");
    const s = this.#flushPending();
    this.#pending = item;
    return s;
  }

  #flushPending(): string {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending ? this.#close(pending, "completed") : "";
  }

  #onFinish(reason: StopReason, rawReason: string | undefined): string {
    if (this.#finish !== undefined || this.#aborted !== undefined) return "";
    if (reason === "error") {
      this.#aborted = rawReason ?? "error";
      return "";
    }
    this.#finish = reason;
    this.#pending = undefined;
    const cut = outcomeOf(reason).status === "incomplete";
    const items = this.#out?.items ?? [];
    let s = "";
    for (const item of items) {
      if (item.status !== "in_progress") continue;
      item.closed = true;
      s += this.#close(item, cut && item === items.at(-1) ? "incomplete" : "completed");
    }
    return s;
  }

  #close(item: OutputItem, status: "completed" | "incomplete"): string {
    return this.#w.itemDone(item, status, this.#echo.encryptedReasoning);
  }
}
