/**
 * IR events → Chat Completions SSE, chunk for chunk as OpenAI streams
 * (https://platform.openai.com/docs/api-reference/chat-streaming/streaming):
 *
 *   data: {…"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},…}]}
 *   data: {…"delta":{"content":"…"}…}                                   (text)
 *   data: {…"delta":{"tool_calls":[{"index":0,"id":…,"type":"function",
 *          "function":{"name":…,"arguments":""}}]}…}                     (a tool call starts)
 *   data: {…"delta":{"tool_calls":[{"index":0,"function":{"arguments":"…"}}]}…}
 *   data: {…"delta":{},"finish_reason":"tool_calls"…}
 *   data: {…"choices":[],"usage":{…}}           (only with stream_options.include_usage)
 *   data: [DONE]
 *
 * With include_usage every other chunk carries `"usage":null`, as OpenAI's do.
 * Tool-call `index` counts the tool calls of a choice (0, 1, 2…), not IR block
 * indices. Each choice gets its role chunk before its first delta (choice 0 as
 * soon as the upstream starts). Thinking: see ThinkingOutput.
 *
 * The finish chunk is written when the finish event arrives; the usage chunk
 * and `[DONE]` by `end()`, once the upstream has ended, and only if every
 * choice finished normally. Otherwise `end()` writes nothing and `failure`
 * names what went wrong, for the caller to send with `error()`: OpenAI's error
 * object as a `data:` event, and never a fake `[DONE]`.
 */
import { errorFromEvent, OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import {
  completionIdFor,
  FINISH_REASONS,
  nowSeconds,
  type OpenAiFinishReason,
  openAiUsage,
  type ThinkingOutput,
  type TransformSink,
} from "./encode-wire.js";
import { openAiErrors } from "./errors.js";

export interface ChatStreamOptions {
  /** The client set `stream_options.include_usage`: send the usage chunk. */
  includeUsage: boolean;
  /** The `id` of every chunk; default derived from the upstream's id (see completionIdFor). */
  id?: string;
  /** `created` (Unix seconds); default the upstream's, else now. */
  created?: number;
  /** Default `reasoning_content`; see ThinkingOutput. */
  thinking?: ThinkingOutput;
  /** Receives `dropped:*` labels for what the stream could not carry. */
  transforms?: TransformSink;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
  /** Request id handed to the error renderer. */
  requestId?: string;
}

type Kind = "text" | "thinking" | "tool";

interface ChoiceState {
  /** IR block index → its kind and, for a tool call, its OpenAI tool-call index. */
  blocks: Map<number, { kind: Kind; tool?: number }>;
  nextTool: number;
  finished: boolean;
}

export class ChatCompletionsStreamEncoder {
  readonly #options: ChatStreamOptions;
  readonly #choices = new Map<number, ChoiceState>();
  readonly #dropped = new Set<string>();
  #id = "";
  #created = 0;
  #model = "";
  #started = false;
  #done = false;
  /** Ended by `end()` (as opposed to by an error). */
  #completed = false;
  #usage: Usage | undefined;
  /** rawReason of an `error` finish: the upstream stopped generating. */
  #aborted: string | undefined;

  constructor(options: ChatStreamOptions) {
    this.#options = options;
  }

  /** True once every choice has finished normally: `end()` will complete the stream. */
  get finished(): boolean {
    if (this.#done && !this.#completed) return false;
    if (this.#aborted !== undefined || this.#choices.size === 0) return false;
    for (const c of this.#choices.values()) if (!c.finished) return false;
    return true;
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
      case "block_stop":
        return "";
      case "finish": {
        const state = this.#choices.get(event.choice);
        if (state?.finished) return "";
        if (event.reason === "error") {
          this.#aborted ??= event.rawReason ?? "error";
          return "";
        }
        const out = this.#open(event.choice);
        this.#state(event.choice).finished = true;
        return out + this.#choiceChunk(event.choice, {}, FINISH_REASONS[event.reason]);
      }
      case "text_delta":
        if (event.text === "") return this.#open(event.choice);
        return this.#delta(event.choice, event.index, "text", { content: event.text });
      case "thinking_delta": {
        if (event.signature !== undefined) this.#drop("dropped:thinking_signature");
        if (this.#options.thinking === "drop") {
          this.#drop("dropped:thinking");
          return this.#delta(event.choice, event.index, "thinking", undefined);
        }
        const delta = event.text === "" ? undefined : { reasoning_content: event.text };
        return this.#delta(event.choice, event.index, "thinking", delta);
      }
      case "tool_call_start": {
        const out = this.#open(event.choice);
        const state = this.#state(event.choice);
        if (state.blocks.has(event.index) || state.finished) throw this.#protocolError();
        const tool = state.nextTool++;
        state.blocks.set(event.index, { kind: "tool", tool });
        const call = {
          index: tool,
          id: event.id,
          type: "function",
          function: { name: event.name, arguments: "" },
        };
        return out + this.#choiceChunk(event.choice, { tool_calls: [call] });
      }
      case "tool_call_delta": {
        const block = this.#choices.get(event.choice)?.blocks.get(event.index);
        if (block?.kind !== "tool" || block.tool === undefined) throw this.#protocolError();
        if (event.argumentsJson === "") return "";
        const call = { index: block.tool, function: { arguments: event.argumentsJson } };
        return this.#delta(event.choice, event.index, "tool", { tool_calls: [call] });
      }
    }
  }

  /**
   * Completes the stream once the upstream has ended: the usage chunk (when
   * asked for and reported) and `[DONE]`. "" if the stream is not `finished`:
   * the caller then sends `error(failure)`.
   */
  end(): string {
    if (this.#done || !this.finished) return "";
    this.#done = true;
    this.#completed = true;
    const usage =
      this.#options.includeUsage && this.#usage ? this.#chunk([], { usage: openAiUsage(this.#usage) }) : "";
    return usage + "data: [DONE]\n\n";
  }

  /** The in-stream error event for a failure after the first byte; ends the stream. */
  error(err: OvertError): string {
    if (this.#done) return "";
    this.#done = true;
    return openAiErrors.renderStreamError(err, this.#options.requestId ?? "");
  }

  get #provider(): string {
    return this.#options.provider ?? "upstream";
  }

  #protocolError(): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
  }

  /** Reports a label once, as soon as it applies (the caller may never reach end()). */
  #drop(label: string): void {
    if (this.#dropped.has(label)) return;
    this.#dropped.add(label);
    this.#options.transforms?.add(label);
  }

  #start(upstreamId: string, model: string, created: number | undefined): string {
    if (this.#started) return "";
    this.#started = true;
    this.#id = this.#options.id ?? completionIdFor(upstreamId);
    this.#created = this.#options.created ?? created ?? nowSeconds();
    this.#model = model;
    return this.#open(0);
  }

  #state(choice: number): ChoiceState {
    let state = this.#choices.get(choice);
    if (!state) {
      state = { blocks: new Map(), nextTool: 0, finished: false };
      this.#choices.set(choice, state);
    }
    return state;
  }

  /** The role chunk of a choice not yet opened (and the stream's start if it was skipped). */
  #open(choice: number): string {
    const prefix = this.#started ? "" : this.#start("", "", undefined);
    if (this.#choices.has(choice)) return prefix;
    this.#state(choice);
    return prefix + this.#choiceChunk(choice, { role: "assistant", content: "", refusal: null });
  }

  #delta(choice: number, index: number, kind: Kind, delta: Record<string, unknown> | undefined): string {
    const out = this.#open(choice);
    const state = this.#state(choice);
    if (state.finished) throw this.#protocolError();
    const known = state.blocks.get(index);
    if (known === undefined) state.blocks.set(index, { kind });
    else if (known.kind !== kind) throw this.#protocolError();
    return delta === undefined ? out : out + this.#choiceChunk(choice, delta);
  }

  #choiceChunk(
    choice: number,
    delta: Record<string, unknown>,
    finish: OpenAiFinishReason | null = null,
  ): string {
    return this.#chunk([{ index: choice, delta, logprobs: null, finish_reason: finish }]);
  }

  #chunk(choices: unknown[], extra: { usage?: unknown } = {}): string {
    const body: Record<string, unknown> = {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.#model,
      choices,
    };
    if (this.#options.includeUsage) body.usage = extra.usage ?? null;
    return `data: ${JSON.stringify(body)}\n\n`;
  }
}
