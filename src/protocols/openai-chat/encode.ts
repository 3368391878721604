/**
 * Non-streaming Chat Completions response: folds the IR events of a whole
 * response into OpenAI's `chat.completion` object
 * (https://platform.openai.com/docs/api-reference/chat/object).
 *
 * Per choice, text blocks concatenate into `content` and tool calls become
 * `tool_calls` in order of appearance, their arguments passed on verbatim (a
 * JSON text in both dialects; an empty one becomes "{}"). OpenAI's message
 * keeps content and tool calls apart, so the order of text that came after a
 * tool call is not represented. Thinking: see ThinkingOutput. `logprobs` is
 * always null: IR events carry none.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import {
  completionIdFor,
  FINISH_REASONS,
  nowSeconds,
  type OpenAiFinishReason,
  type OpenAiUsage,
  openAiUsage,
  type ThinkingOutput,
  type TransformSink,
} from "./encode-wire.js";

export interface ChatEncodeOptions {
  /** The `id` to send; default derived from the upstream's id (see completionIdFor). */
  id?: string;
  /** `created` (Unix seconds); default the upstream's, else now. */
  created?: number;
  /** Default `reasoning_content`; see ThinkingOutput. */
  thinking?: ThinkingOutput;
  /** Receives `dropped:*` labels for what the response could not carry. */
  transforms?: TransformSink;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
}

export interface ChatCompletionToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  /** Thinking output, DeepSeek-style (only with `thinking: "reasoning_content"`). */
  reasoning_content?: string;
  tool_calls?: ChatCompletionToolCall[];
  refusal: null;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: null;
  finish_reason: OpenAiFinishReason;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  /** Absent when the upstream reported none (never made up). */
  usage?: OpenAiUsage;
}

type Block = { kind: "text" } | { kind: "thinking" } | { kind: "tool"; call: ChatCompletionToolCall };

interface ChoiceState {
  blocks: Map<number, Block>;
  text: string[];
  thinking: string[];
  calls: ChatCompletionToolCall[];
  finish?: Extract<IrEvent, { type: "finish" }>;
}

/** Builds the `chat.completion` for a complete response; throws an OvertError if the events describe a failure. */
export function encodeChatCompletion(
  events: readonly IrEvent[],
  options: ChatEncodeOptions = {},
): ChatCompletion {
  const provider = options.provider ?? "upstream";
  const thinkingMode = options.thinking ?? "reasoning_content";
  const protocolError = () => new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider });
  const choices = new Map<number, ChoiceState>();
  const stateOf = (choice: number): ChoiceState => {
    let state = choices.get(choice);
    if (!state) {
      state = { blocks: new Map(), text: [], thinking: [], calls: [] };
      choices.set(choice, state);
    }
    return state;
  };
  const blockOf = (state: ChoiceState, index: number, make: () => Block): Block => {
    const existing = state.blocks.get(index);
    if (existing) return existing;
    const created = make();
    state.blocks.set(index, created);
    return created;
  };
  let start: Extract<IrEvent, { type: "start" }> | undefined;
  let usage: Usage | undefined;
  const dropped = new Set<string>();

  for (const event of events) {
    switch (event.type) {
      case "start":
        start ??= event;
        break;
      case "text_delta": {
        const state = stateOf(event.choice);
        if (blockOf(state, event.index, () => ({ kind: "text" })).kind !== "text") throw protocolError();
        state.text.push(event.text);
        break;
      }
      case "thinking_delta": {
        const state = stateOf(event.choice);
        if (blockOf(state, event.index, () => ({ kind: "thinking" })).kind !== "thinking")
          throw protocolError();
        if (thinkingMode === "drop") dropped.add("dropped:thinking");
        else state.thinking.push(event.text);
        if (event.signature !== undefined) dropped.add("dropped:thinking_signature");
        break;
      }
      case "tool_call_start": {
        const state = stateOf(event.choice);
        if (state.blocks.has(event.index)) throw protocolError();
        const call: ChatCompletionToolCall = {
          id: event.id,
          type: "function",
          function: { name: event.name, arguments: "" },
        };
        state.blocks.set(event.index, { kind: "tool", call });
        state.calls.push(call);
        break;
      }
      case "tool_call_delta": {
        const block = stateOf(event.choice).blocks.get(event.index);
        if (block?.kind !== "tool") throw protocolError();
        block.call.function.arguments += event.argumentsJson;
        break;
      }
      case "finish":
        stateOf(event.choice).finish ??= event;
        break;
      case "usage":
        usage = event.usage;
        break;
      case "error":
        throw new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider, detail: event.message });
      case "block_stop":
        break;
    }
  }
  if (choices.size === 0) {
    throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "no finish reason" });
  }
  const out: ChatCompletionChoice[] = [];
  for (const [index, state] of [...choices.entries()].sort(([a], [b]) => a - b)) {
    const finish = state.finish;
    if (!finish) {
      throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "no finish reason" });
    }
    if (finish.reason === "error") {
      throw new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: finish.rawReason ?? "error" });
    }
    out.push({
      index,
      message: messageOf(state),
      logprobs: null,
      finish_reason: FINISH_REASONS[finish.reason],
    });
  }
  const body: ChatCompletion = {
    id: options.id ?? completionIdFor(start?.id ?? ""),
    object: "chat.completion",
    created: options.created ?? start?.created ?? nowSeconds(),
    model: start?.model ?? "",
    choices: out,
  };
  if (usage) body.usage = openAiUsage(usage);
  for (const label of dropped) options.transforms?.add(label);
  return body;
}

function messageOf(state: ChoiceState): ChatCompletionMessage {
  const hasText = [...state.blocks.values()].some((b) => b.kind === "text");
  const message: ChatCompletionMessage = {
    role: "assistant",
    content: hasText ? state.text.join("") : state.calls.length > 0 ? null : "",
    refusal: null,
  };
  const thinking = state.thinking.join("");
  if (thinking !== "") message.reasoning_content = thinking;
  if (state.calls.length > 0) {
    message.tool_calls = state.calls.map((c) =>
      c.function.arguments === "" ? { ...c, function: { ...c.function, arguments: "{}" } } : c,
    );
  }
  return message;
}
