/**
 * ConverseStream events → IR events
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
 * Each event-stream frame (eventstream.ts, converseEventOf) is one event whose
 * JSON payload is:
 *
 * - messageStart {role} → `start` (Converse has no response id: the caller's, or a random one);
 * - contentBlockStart {contentBlockIndex, start: {toolUse: {toolUseId, name}}} → tool_call_start;
 * - contentBlockDelta {contentBlockIndex, delta} with `text` → text_delta,
 *   `toolUse.input` (a JSON fragment) → tool_call_delta, `reasoningContent.text`
 *   → thinking_delta, `reasoningContent.signature` → thinking_delta with no
 *   text and the signature; `redactedContent` has no IR event and is skipped;
 * - contentBlockStop {contentBlockIndex} → block_stop;
 * - messageStop {stopReason} → `finish` (mapStopReason), after closing open blocks;
 * - metadata {usage, metrics} → `usage` (usage.ts), sent after messageStop;
 * - an exception (throttlingException, modelStreamErrorException,
 *   internalServerException, validationException, serviceUnavailableException,
 *   or an `error` frame) → one IR error (OVT_ERR_UPSTREAM_STREAM_ERROR, scrubbed);
 *   nothing is decoded after it.
 * Converse block indices are renumbered 0, 1, 2… in order of appearance.
 * Unknown event types are ignored (forward compatibility).
 */
import { randomBytes } from "node:crypto";
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent, StopReason } from "../../ir/stream.js";
import { scrubUpstreamText } from "../scrub.js";
import { invalidResponse, isRecord } from "./common.js";
import { converseUsageOf } from "./usage.js";

export interface ConverseMeta {
  /** The response id to report (e.g. the x-amzn-requestid header); random when absent. */
  id?: string;
  /** The model id to report in `start`. */
  model?: string;
  /** Secrets to scrub out of upstream error text. */
  secrets?: readonly string[];
}

/** Converse `stopReason` → IR stop reason; `rawReason` always keeps the original. */
export function mapStopReason(raw: string): StopReason {
  switch (raw) {
    case "end_turn":
      return "end_turn";
    case "tool_use":
      return "tool_use";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    case "malformed_model_output":
    case "malformed_tool_use":
      return "error";
    default:
      return "end_turn";
  }
}

export function responseId(meta: ConverseMeta): string {
  return meta.id && meta.id !== "" ? meta.id : `msg_bdrk_${randomBytes(12).toString("hex")}`;
}

type Kind = "text" | "thinking" | "tool";

export class ConverseStreamDecoder {
  readonly #provider: string;
  readonly #meta: ConverseMeta;
  readonly #blocks = new Map<number, { index: number; kind: Kind; open: boolean }>();
  #next = 0;
  #started = false;
  #finished = false;
  #over = false;

  constructor(provider = "upstream", meta: ConverseMeta = {}) {
    this.#provider = provider;
    this.#meta = meta;
  }

  /** True once messageStop arrived: the output is complete (usage follows in metadata). */
  get finished(): boolean {
    return this.#finished;
  }

  /** `eventType` is the frame's :event-type (or :exception-type, with `exception` true). */
  push(eventType: string, payload: unknown, exception = false): IrEvent[] {
    if (this.#over) return [];
    if (exception || /Exception$/.test(eventType)) return this.#error(eventType, payload);
    const p = isRecord(payload) ? payload : {};
    const out: IrEvent[] = [];
    if (eventType !== "metadata" && !this.#started) this.#start(out);
    switch (eventType) {
      case "messageStart":
        return out;
      case "contentBlockStart":
        this.#blockStart(p, out);
        return out;
      case "contentBlockDelta":
        this.#delta(p, out);
        return out;
      case "contentBlockStop": {
        const block = this.#blocks.get(this.#position(p));
        if (block?.open) {
          block.open = false;
          out.push({ type: "block_stop", index: block.index, choice: 0 });
        }
        return out;
      }
      case "messageStop": {
        this.#closeAll(out);
        const raw = typeof p.stopReason === "string" ? p.stopReason : "end_turn";
        this.#finished = true;
        out.push({ type: "finish", choice: 0, reason: mapStopReason(raw), rawReason: raw });
        return out;
      }
      case "metadata": {
        const usage = converseUsageOf(p.usage);
        if (usage) out.push({ type: "usage", usage });
        return out;
      }
      default:
        return out;
    }
  }

  #start(out: IrEvent[]): void {
    this.#started = true;
    out.push({ type: "start", id: responseId(this.#meta), model: this.#meta.model ?? "" });
  }

  #position(p: Record<string, unknown>): number {
    const n = p.contentBlockIndex;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw invalidResponse(this.#provider, "an event without a contentBlockIndex");
    }
    return n;
  }

  #open(position: number, kind: Kind, out: IrEvent[]): number {
    const block = this.#blocks.get(position);
    if (block?.kind === kind && block.open) return block.index;
    if (block?.open) {
      block.open = false;
      out.push({ type: "block_stop", index: block.index, choice: 0 });
    }
    const index = this.#next++;
    this.#blocks.set(position, { index, kind, open: true });
    return index;
  }

  #closeAll(out: IrEvent[]): void {
    for (const block of this.#blocks.values()) {
      if (!block.open) continue;
      block.open = false;
      out.push({ type: "block_stop", index: block.index, choice: 0 });
    }
  }

  #blockStart(p: Record<string, unknown>, out: IrEvent[]): void {
    const position = this.#position(p);
    const start = isRecord(p.start) ? p.start : {};
    if (!isRecord(start.toolUse)) return;
    const { toolUseId, name } = start.toolUse;
    if (typeof toolUseId !== "string" || typeof name !== "string" || name === "") {
      throw invalidResponse(this.#provider, "toolUse start without an id or name");
    }
    const index = this.#open(position, "tool", out);
    out.push({ type: "tool_call_start", index, choice: 0, id: toolUseId, name });
  }

  #delta(p: Record<string, unknown>, out: IrEvent[]): void {
    const position = this.#position(p);
    const delta = isRecord(p.delta) ? p.delta : {};
    if (typeof delta.text === "string") {
      if (delta.text === "") return;
      out.push({ type: "text_delta", index: this.#open(position, "text", out), choice: 0, text: delta.text });
      return;
    }
    if (isRecord(delta.toolUse)) {
      const block = this.#blocks.get(position);
      if (block?.kind !== "tool" || !block.open) {
        throw invalidResponse(this.#provider, "toolUse input before its contentBlockStart");
      }
      const input = typeof delta.toolUse.input === "string" ? delta.toolUse.input : "";
      if (input !== "")
        out.push({ type: "tool_call_delta", index: block.index, choice: 0, argumentsJson: input });
      return;
    }
    if (isRecord(delta.reasoningContent)) {
      const r = delta.reasoningContent;
      const text = typeof r.text === "string" ? r.text : "";
      const signature = typeof r.signature === "string" && r.signature !== "" ? r.signature : undefined;
      if (text === "" && signature === undefined) return;
      const index = this.#open(position, "thinking", out);
      out.push({ type: "thinking_delta", index, choice: 0, text, ...(signature ? { signature } : {}) });
    }
  }

  #error(eventType: string, payload: unknown): IrEvent[] {
    this.#over = true;
    const message = isRecord(payload) && typeof payload.message === "string" ? payload.message : "";
    const text = message ? `${eventType}: ${message}` : eventType;
    const detail = scrubUpstreamText(text, this.#meta.secrets ?? []);
    const err = new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail });
    return [{ type: "error", code: err.errorName, message: err.message }];
  }
}
