/**
 * OpenAI `chat.completion.chunk` objects → IR events
 * (https://platform.openai.com/docs/api-reference/chat-streaming/streaming).
 *
 * Per choice, the decoder keeps one block open at a time and numbers blocks
 * 0, 1, 2… as they appear: a reasoning run (DeepSeek `reasoning_content`), a
 * text run, and each tool call. Tool-call deltas are keyed by their `index`;
 * the first delta of a call carries `id` and `function.name`, later ones
 * `function.arguments` fragments, passed on verbatim. A new `id` at an index
 * already in use starts a new call (some compatible servers send every call at
 * index 0). A fragment for a call whose block was already closed cannot be
 * expressed as an Anthropic-style block stream and is refused as a protocol
 * error. Usage comes from the top-level `usage` (the `include_usage` chunk) or,
 * as Moonshot sends it, from the choice.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { scrubUpstreamText } from "../scrub.js";
import { isRecord, mapFinishReason, reasoningOf, usageOf } from "./translate-common.js";

type Kind = "thinking" | "text" | "tool";

interface ChoiceState {
  next: number;
  open: { kind: Kind; index: number; toolKey?: number } | undefined;
  /** OpenAI tool-call index → its block and id. */
  tools: Map<number, { index: number; id: string }>;
  sawTool: boolean;
  sawRefusal: boolean;
  finished: boolean;
}

export class ChatCompletionsStreamDecoder {
  readonly #provider: string;
  readonly #choices = new Map<number, ChoiceState>();
  #started = false;

  constructor(provider = "upstream") {
    this.#provider = provider;
  }

  /** True once every choice seen so far has a finish reason (false before any choice). */
  get finished(): boolean {
    if (this.#choices.size === 0) return false;
    for (const c of this.#choices.values()) if (!c.finished) return false;
    return true;
  }

  /** Decodes one parsed `data:` payload (the `[DONE]` sentinel yields nothing). */
  push(chunk: unknown): IrEvent[] {
    if (chunk === "[DONE]") return [];
    if (!isRecord(chunk)) throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
    const out: IrEvent[] = [];
    if (chunk.error !== undefined && chunk.error !== null) {
      const raw = isRecord(chunk.error) ? chunk.error.message : chunk.error;
      const detail = scrubUpstreamText(typeof raw === "string" ? raw : "error event", []);
      const err = new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail });
      return [{ type: "error", code: err.errorName, message: err.message }];
    }
    if (!this.#started) {
      this.#started = true;
      out.push({
        type: "start",
        id: typeof chunk.id === "string" ? chunk.id : "",
        model: typeof chunk.model === "string" ? chunk.model : "",
        ...(typeof chunk.created === "number" ? { created: chunk.created } : {}),
      });
    }
    let choiceUsage: unknown;
    if (Array.isArray(chunk.choices)) {
      const choices = chunk.choices;
      for (let position = 0; position < choices.length; position++) {
        const choice: unknown = choices[position];
        if (!isRecord(choice))
          throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
        this.#choice(choice, typeof choice.index === "number" ? choice.index : position, out);
        if (isRecord(choice.usage)) choiceUsage = choice.usage;
      }
    }
    const usage = usageOf(isRecord(chunk.usage) ? chunk.usage : choiceUsage);
    if (usage) out.push({ type: "usage", usage });
    return out;
  }

  #state(n: number): ChoiceState {
    let state = this.#choices.get(n);
    if (!state) {
      state = {
        next: 0,
        open: undefined,
        tools: new Map(),
        sawTool: false,
        sawRefusal: false,
        finished: false,
      };
      this.#choices.set(n, state);
    }
    return state;
  }

  #close(state: ChoiceState, n: number, out: IrEvent[]): void {
    if (!state.open) return;
    out.push({ type: "block_stop", index: state.open.index, choice: n });
    state.open = undefined;
  }

  /** The index of the open block of `kind`, opening a new one (and closing the previous) if needed. */
  #ensure(state: ChoiceState, n: number, kind: Kind, out: IrEvent[]): number {
    if (state.open?.kind === kind && kind !== "tool") return state.open.index;
    this.#close(state, n, out);
    const index = state.next++;
    state.open = { kind, index };
    return index;
  }

  #choice(choice: Record<string, unknown>, n: number, out: IrEvent[]): void {
    const state = this.#state(n);
    if (state.finished) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = reasoningOf(delta);
    if (reasoning !== "") {
      out.push({
        type: "thinking_delta",
        index: this.#ensure(state, n, "thinking", out),
        choice: n,
        text: reasoning,
      });
    }
    if (typeof delta.content === "string" && delta.content !== "") {
      out.push({
        type: "text_delta",
        index: this.#ensure(state, n, "text", out),
        choice: n,
        text: delta.content,
      });
    }
    if (typeof delta.refusal === "string" && delta.refusal !== "") {
      state.sawRefusal = true;
      out.push({
        type: "text_delta",
        index: this.#ensure(state, n, "text", out),
        choice: n,
        text: delta.refusal,
      });
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) this.#toolCall(state, n, call, out);
    }
    if (typeof choice.finish_reason === "string") {
      this.#close(state, n, out);
      state.finished = true;
      const raw = choice.finish_reason;
      out.push({
        type: "finish",
        choice: n,
        reason: mapFinishReason(raw, state.sawTool, state.sawRefusal),
        rawReason: raw,
      });
    }
  }

  #toolCall(state: ChoiceState, n: number, call: unknown, out: IrEvent[]): void {
    if (!isRecord(call)) throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
    const fn = isRecord(call.function) ? call.function : {};
    const id = typeof call.id === "string" && call.id !== "" ? call.id : undefined;
    const key = typeof call.index === "number" ? call.index : (state.open?.toolKey ?? 0);
    let known = state.tools.get(key);
    if (known === undefined || (id !== undefined && id !== known.id)) {
      this.#close(state, n, out);
      const index = state.next++;
      known = { index, id: id ?? `call_${n}_${index}` };
      state.tools.set(key, known);
      state.open = { kind: "tool", index, toolKey: key };
      state.sawTool = true;
      const name = typeof fn.name === "string" ? fn.name : "";
      out.push({ type: "tool_call_start", index, choice: n, id: known.id, name });
    } else if (state.open?.index !== known.index) {
      throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
    }
    if (typeof fn.arguments === "string" && fn.arguments !== "") {
      out.push({ type: "tool_call_delta", index: known.index, choice: n, argumentsJson: fn.arguments });
    }
  }
}
