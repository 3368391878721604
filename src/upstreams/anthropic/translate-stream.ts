/**
 * Anthropic Messages SSE events → IR events
 * (https://docs.claude.com/en/docs/build-with-claude/streaming):
 *
 *   message_start
 *   (content_block_start, content_block_delta*, content_block_stop)*
 *   message_delta   (stop_reason, stop_sequence, cumulative usage)
 *   message_stop
 *
 * with `ping` events anywhere and an `error` event that ends the stream.
 *
 * - Blocks are renumbered 0, 1, 2… in order of appearance (skipped
 *   `redacted_thinking` blocks leave no gap).
 * - `text_delta` → text_delta; `thinking_delta` → thinking_delta;
 *   `signature_delta` → thinking_delta with empty text and the signature;
 *   `input_json_delta` fragments → tool_call_delta, verbatim (empty ones skipped).
 *   A tool block that received no JSON fragment (a compatible server that puts
 *   the whole input in content_block_start, or a tool without arguments) gets
 *   one tool_call_delta with its start `input` (or `{}`) before its block_stop,
 *   so arguments are always valid JSON.
 * - `citations_delta` is ignored: citations are only sent when a request enables
 *   them, which this relay's encoder never does.
 * - `message_delta` → `finish` (first stop_reason only), then `usage` with the
 *   cumulative totals folded from message_start and every message_delta.
 * - `error` → one IR error event (OVT_ERR_UPSTREAM_STREAM_ERROR, message
 *   scrubbed); nothing is decoded after it or after `message_stop`.
 * - Unknown event types are ignored (Anthropic may add some); an unknown content
 *   block or delta type cannot be represented and fails with
 *   OVT_ERR_UPSTREAM_INVALID_RESPONSE; events out of grammar with OVT_ERR_UPSTREAM_PROTOCOL.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { scrubUpstreamText } from "../scrub.js";
import { finishEvent, foldUsage, isRecord, type UsageState, usageOf } from "./translate-common.js";

type Kind = "text" | "thinking" | "tool" | "skipped";

interface Block {
  kind: Kind;
  irIndex: number;
  open: boolean;
  /** tool: whether any non-empty input_json_delta arrived, and the input from content_block_start. */
  sentJson: boolean;
  startInput: unknown;
}

export class MessagesStreamDecoder {
  readonly #provider: string;
  readonly #blocks = new Map<number, Block>();
  #next = 0;
  #started = false;
  #finished = false;
  #over = false;
  #usage: UsageState | null = null;

  constructor(provider = "upstream") {
    this.#provider = provider;
  }

  /** True once a stop reason has arrived (message_delta); false after an error event. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Decodes one SSE event: its `event:` name and its parsed `data:` payload. */
  push(eventName: string, data: unknown): IrEvent[] {
    if (this.#over || eventName === "ping") return [];
    if (eventName === "error") return this.#error(isRecord(data) ? data : {});
    if (!isRecord(data)) throw this.#protocol();
    const type = typeof data.type === "string" ? data.type : eventName;
    if (type === "error") return this.#error(data);
    if (type === "ping") return [];
    if (type !== "message_start" && !this.#started && type.startsWith("message_")) throw this.#protocol();
    switch (type) {
      case "message_start":
        return this.#start(data);
      case "content_block_start":
        return this.#blockStart(data);
      case "content_block_delta":
        return this.#delta(data);
      case "content_block_stop":
        return this.#blockStop(data);
      case "message_delta":
        return this.#messageDelta(data);
      case "message_stop":
        this.#over = true;
        return [];
      default:
        return [];
    }
  }

  #protocol(): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
  }

  #invalid(detail: string): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider: this.#provider, detail });
  }

  #error(data: Record<string, unknown>): IrEvent[] {
    this.#over = true;
    this.#finished = false;
    const error = isRecord(data.error) ? data.error : {};
    const kind = typeof error.type === "string" ? error.type : "";
    const message = typeof error.message === "string" ? error.message : "";
    const raw = kind && message ? `${kind}: ${message}` : kind || message || "error event";
    const detail = scrubUpstreamText(raw, []);
    const err = new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail });
    return [{ type: "error", code: err.errorName, message: err.message }];
  }

  #start(data: Record<string, unknown>): IrEvent[] {
    if (this.#started || !isRecord(data.message)) throw this.#protocol();
    this.#started = true;
    const message = data.message;
    this.#usage = foldUsage(message.usage, this.#usage);
    return [
      {
        type: "start",
        id: typeof message.id === "string" ? message.id : "",
        model: typeof message.model === "string" ? message.model : "",
      },
    ];
  }

  #index(data: Record<string, unknown>): number {
    const index = data.index;
    if (!this.#started || typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      throw this.#protocol();
    }
    return index;
  }

  #blockStart(data: Record<string, unknown>): IrEvent[] {
    const index = this.#index(data);
    const content = data.content_block;
    if (this.#blocks.has(index) || !isRecord(content)) throw this.#protocol();
    const add = (kind: Kind): Block => {
      const block = {
        kind,
        irIndex: kind === "skipped" ? -1 : this.#next++,
        open: true,
        sentJson: false,
        startInput: undefined,
      };
      this.#blocks.set(index, block);
      return block;
    };
    switch (content.type) {
      case "text": {
        const block = add("text");
        const text = typeof content.text === "string" ? content.text : "";
        return text === "" ? [] : [{ type: "text_delta", index: block.irIndex, choice: 0, text }];
      }
      case "thinking": {
        const block = add("thinking");
        const text = typeof content.thinking === "string" ? content.thinking : "";
        const signature = typeof content.signature === "string" ? content.signature : "";
        if (text === "" && signature === "") return [];
        return [
          {
            type: "thinking_delta",
            index: block.irIndex,
            choice: 0,
            text,
            ...(signature !== "" ? { signature } : {}),
          },
        ];
      }
      case "redacted_thinking":
        add("skipped");
        return [];
      case "tool_use": {
        if (typeof content.id !== "string" || typeof content.name !== "string") throw this.#protocol();
        const block = add("tool");
        block.startInput = content.input;
        return [
          { type: "tool_call_start", index: block.irIndex, choice: 0, id: content.id, name: content.name },
        ];
      }
      default:
        throw this.#invalid(`content block type '${String(content.type)}' has no IR form`);
    }
  }

  #delta(data: Record<string, unknown>): IrEvent[] {
    const block = this.#blocks.get(this.#index(data));
    const delta = data.delta;
    if (!block?.open || !isRecord(delta)) throw this.#protocol();
    if (block.kind === "skipped") return [];
    const expect = (kind: Kind, field: string): string => {
      const value = delta[field];
      if (block.kind !== kind || typeof value !== "string") throw this.#protocol();
      return value;
    };
    const index = block.irIndex;
    switch (delta.type) {
      case "text_delta": {
        const text = expect("text", "text");
        return text === "" ? [] : [{ type: "text_delta", index, choice: 0, text }];
      }
      case "thinking_delta": {
        const text = expect("thinking", "thinking");
        return text === "" ? [] : [{ type: "thinking_delta", index, choice: 0, text }];
      }
      case "signature_delta": {
        const signature = expect("thinking", "signature");
        return [{ type: "thinking_delta", index, choice: 0, text: "", signature }];
      }
      case "input_json_delta": {
        const json = expect("tool", "partial_json");
        if (json === "") return [];
        block.sentJson = true;
        return [{ type: "tool_call_delta", index, choice: 0, argumentsJson: json }];
      }
      case "citations_delta":
        return [];
      default:
        throw this.#invalid(`delta type '${String(delta.type)}' has no IR form`);
    }
  }

  #blockStop(data: Record<string, unknown>): IrEvent[] {
    const block = this.#blocks.get(this.#index(data));
    if (!block) throw this.#protocol();
    if (!block.open || block.kind === "skipped") {
      block.open = false;
      return [];
    }
    block.open = false;
    const out: IrEvent[] = [];
    if (block.kind === "tool" && !block.sentJson) {
      const input = isRecord(block.startInput) ? block.startInput : {};
      out.push({
        type: "tool_call_delta",
        index: block.irIndex,
        choice: 0,
        argumentsJson: JSON.stringify(input),
      });
    }
    out.push({ type: "block_stop", index: block.irIndex, choice: 0 });
    return out;
  }

  #messageDelta(data: Record<string, unknown>): IrEvent[] {
    const out: IrEvent[] = [];
    const delta = isRecord(data.delta) ? data.delta : {};
    if (!this.#finished && typeof delta.stop_reason === "string") {
      this.#finished = true;
      out.push(finishEvent(delta.stop_reason, delta.stop_sequence));
    }
    this.#usage = foldUsage(data.usage, this.#usage);
    if (this.#usage) out.push({ type: "usage", usage: usageOf(this.#usage) });
    return out;
  }
}
