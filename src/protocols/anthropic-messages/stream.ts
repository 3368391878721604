/**
 * IR events → Anthropic Messages SSE, in the exact grammar of
 * https://docs.claude.com/en/docs/build-with-claude/streaming:
 *
 *   message_start
 *   (content_block_start, content_block_delta*, content_block_stop)*
 *   message_delta   (stop_reason, stop_sequence, cumulative usage)
 *   message_stop
 *
 * Block indices are assigned here, 0, 1, 2… in order of appearance (the SDK
 * appends blocks and addresses them by index); exactly one block is open at a
 * time, so a block that starts closes the previous one. A failure after the
 * first byte ends with one `event: error` and nothing after it: never a fake
 * `message_stop`.
 *
 * The upstream's usage usually arrives after its finish reason (OpenAI sends it
 * in a last chunk of its own), so `message_delta` and `message_stop` are written
 * by `end()`, called once the upstream stream has ended.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent, StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import { anthropicErrorType, anthropicErrorTypeForCode, streamErrorEvent } from "./errors.js";
import { anthropicUsage, messageIdFor, STOP_REASONS } from "./wire.js";

export interface MessagesStreamOptions {
  /** The message `id`; default derived from the upstream's id (see messageIdFor). */
  messageId?: string;
  /** `input_tokens` for message_start, before the upstream reports usage (e.g. the relay's estimate); default 0. */
  inputTokens?: number;
  /** Request id carried in error events. */
  requestId?: string;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
}

type BlockKind = "text" | "thinking" | "tool_use";

const DELTA_FIELDS = {
  text_delta: "text",
  thinking_delta: "thinking",
  signature_delta: "signature",
  input_json_delta: "partial_json",
} as const;
type DeltaType = keyof typeof DELTA_FIELDS;

const sse = (type: string, data: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

export class MessagesStreamEncoder {
  readonly #options: MessagesStreamOptions;
  #started = false;
  #done = false;
  /** IR block index (choice 0) → Anthropic index and kind. */
  readonly #blocks = new Map<number, { index: number; kind: BlockKind }>();
  #open: { irIndex: number; index: number } | undefined;
  #next = 0;
  #finish: { reason: StopReason; rawReason?: string; stopSequence?: string } | undefined;
  #usage: Usage | undefined;

  constructor(options: MessagesStreamOptions = {}) {
    this.#options = options;
  }

  /** True once the stream is complete or has failed: nothing more will be written. */
  get done(): boolean {
    return this.#done;
  }

  /** The SSE bytes (as text) for one IR event; "" when it produces none. */
  push(event: IrEvent): string {
    if (this.#done) return "";
    if (event.type === "start") return this.#start(event.id, event.model);
    if (event.type === "usage") {
      this.#usage = event.usage;
      return "";
    }
    if (event.type === "error") {
      this.#done = true;
      return streamErrorEvent(anthropicErrorTypeForCode(event.code), event.message, this.#requestId);
    }
    if (event.choice !== 0) return ""; // Anthropic responses have one choice; requests in this dialect never ask for more.
    switch (event.type) {
      case "text_delta":
        if (event.text === "") return "";
        return this.#delta(event.index, "text", "text_delta", event.text);
      case "thinking_delta": {
        let out = this.#ensure(event.index, "thinking");
        if (event.text !== "") out += this.#delta(event.index, "thinking", "thinking_delta", event.text);
        if (event.signature !== undefined) {
          out += this.#delta(event.index, "thinking", "signature_delta", event.signature);
        }
        return out;
      }
      case "tool_call_start":
        return this.#openBlock(event.index, "tool_use", {
          type: "tool_use",
          id: event.id,
          name: event.name,
          input: {},
        });
      case "tool_call_delta":
        if (!this.#blocks.has(event.index)) throw this.#protocolError();
        return this.#delta(event.index, "tool_use", "input_json_delta", event.argumentsJson);
      case "block_stop":
        return this.#open?.irIndex === event.index ? this.#closeOpen() : "";
      case "finish": {
        if (this.#finish) return "";
        const { reason, rawReason, stopSequence } = event;
        this.#finish = {
          reason,
          ...(rawReason ? { rawReason } : {}),
          ...(stopSequence ? { stopSequence } : {}),
        };
        return this.#closeOpen();
      }
    }
  }

  /**
   * Completes the stream once the upstream has ended: message_delta + message_stop,
   * or an error event if no finish reason came (the stream was cut) or the
   * finish reason was an upstream error.
   */
  end(): string {
    if (this.#done) return "";
    const finish = this.#finish;
    const provider = this.#options.provider ?? "upstream";
    if (!finish) return this.error(new OvertError("OVT_ERR_UPSTREAM_DISCONNECTED", { provider }));
    if (finish.reason === "error") {
      return this.error(
        new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: finish.rawReason ?? "error" }),
      );
    }
    this.#done = true;
    const usage = this.#usage ? anthropicUsage(this.#usage) : { output_tokens: 0 };
    return (
      this.#prefix() +
      this.#closeOpen() +
      sse("message_delta", {
        delta: { stop_reason: STOP_REASONS[finish.reason], stop_sequence: finish.stopSequence ?? null },
        usage,
      }) +
      sse("message_stop", {})
    );
  }

  /** The in-stream error event for a failure after the first byte; ends the stream. */
  error(err: OvertError): string {
    if (this.#done) return "";
    this.#done = true;
    return streamErrorEvent(anthropicErrorType(err), err.message, this.#requestId);
  }

  /** A keep-alive `ping` event (Anthropic streams may carry any number of them). */
  ping(): string {
    return this.#done ? "" : sse("ping", {});
  }

  get #requestId(): string {
    return this.#options.requestId ?? "";
  }

  #start(upstreamId: string, model: string): string {
    if (this.#started) return "";
    this.#started = true;
    return sse("message_start", {
      message: {
        id: this.#options.messageId ?? messageIdFor(upstreamId),
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: this.#options.inputTokens ?? 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 0,
        },
      },
    });
  }

  /** message_start if nothing has been written yet (an upstream that skipped its first chunk's metadata). */
  #prefix(): string {
    return this.#started ? "" : this.#start("", "");
  }

  #closeOpen(): string {
    const open = this.#open;
    if (!open) return "";
    this.#open = undefined;
    return sse("content_block_stop", { index: open.index });
  }

  #protocolError(): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#options.provider ?? "upstream" });
  }

  #openBlock(irIndex: number, kind: BlockKind, contentBlock: Record<string, unknown>): string {
    if (this.#blocks.has(irIndex)) throw this.#protocolError();
    const out = this.#prefix() + this.#closeOpen();
    const index = this.#next++;
    this.#blocks.set(irIndex, { index, kind });
    this.#open = { irIndex, index };
    return out + sse("content_block_start", { index, content_block: contentBlock });
  }

  /**
   * Opens a text or thinking block on its first delta. A delta for a block of
   * another kind, or for one already closed, cannot be expressed in Anthropic's
   * grammar: the stream is refused rather than bent.
   */
  #ensure(irIndex: number, kind: BlockKind): string {
    const known = this.#blocks.get(irIndex);
    if (known === undefined) {
      if (kind === "tool_use") throw this.#protocolError();
      const empty =
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
      return this.#openBlock(irIndex, kind, empty);
    }
    if (known.kind !== kind || this.#open?.irIndex !== irIndex) throw this.#protocolError();
    return "";
  }

  /**
   * The hot path of a stream: written as a template rather than through an object
   * and JSON.stringify of it (same bytes, key order type/index/delta), which
   * halves the cost of a translated frame.
   */
  #delta(irIndex: number, kind: BlockKind, type: DeltaType, value: string): string {
    const known = this.#blocks.get(irIndex);
    // Fast path: a delta for the block that is already open (almost every delta).
    const open = known !== undefined && known.kind === kind && this.#open?.irIndex === irIndex;
    const out = open ? "" : this.#ensure(irIndex, kind);
    const index = open ? known.index : this.#blocks.get(irIndex)!.index;
    const field = DELTA_FIELDS[type];
    return `${out}event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${type}","${field}":${JSON.stringify(value)}}}\n\n`;
  }
}
