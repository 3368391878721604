/**
 * Non-streaming Gemini response: folds the IR events of a whole response into
 * a `GenerateContentResponse` (https://ai.google.dev/api/generate-content#generatecontentresponse):
 *
 *   {candidates: [{content: {parts, role: "model"}, finishReason, index}],
 *    usageMetadata, modelVersion, responseId}
 *
 * Per choice, blocks become parts in IR block order: thinking →
 * `{text, thought: true, thoughtSignature?}`, text → `{text}`, a tool call →
 * `{functionCall: {name, args, id}}` (the upstream's call id, so the client's
 * functionResponse comes back tied to it). Empty text blocks are left out.
 * `modelVersion` is the upstream's model. `usageMetadata` is absent when the
 * upstream reported no usage (never made up).
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import {
  callArgs,
  FINISH_REASONS,
  type GeminiCandidate,
  type GeminiPart,
  type GenerateContentResponse,
  geminiUsage,
  responseIdFor,
  thoughtPart,
} from "./wire.js";

export interface GenerateContentEncodeOptions {
  /** The `responseId` to send; default the upstream's id (see responseIdFor). */
  responseId?: string;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
}

type Block =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string; signature?: string }
  | { kind: "tool"; id: string; name: string; args: string };

interface ChoiceState {
  blocks: Map<number, Block>;
  finish?: Extract<IrEvent, { type: "finish" }>;
}

/** Builds the response for a complete set of events; throws an OvertError if they describe a failure. */
export function encodeGenerateContentResponse(
  events: readonly IrEvent[],
  options: GenerateContentEncodeOptions = {},
): GenerateContentResponse {
  const provider = options.provider ?? "upstream";
  const protocolError = () => new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider });
  const choices = new Map<number, ChoiceState>();
  const stateOf = (choice: number): ChoiceState => {
    let state = choices.get(choice);
    if (!state) {
      state = { blocks: new Map() };
      choices.set(choice, state);
    }
    return state;
  };
  const blockOf = <K extends Block["kind"]>(choice: number, index: number, kind: K, make: () => Block) => {
    const blocks = stateOf(choice).blocks;
    const block = blocks.get(index) ?? make();
    if (block.kind !== kind) throw protocolError();
    blocks.set(index, block);
    return block as Extract<Block, { kind: K }>;
  };
  let start: Extract<IrEvent, { type: "start" }> | undefined;
  let usage: Usage | undefined;

  for (const event of events) {
    switch (event.type) {
      case "start":
        start ??= event;
        break;
      case "text_delta":
        blockOf(event.choice, event.index, "text", () => ({ kind: "text", text: "" })).text += event.text;
        break;
      case "thinking_delta": {
        const b = blockOf(event.choice, event.index, "thinking", () => ({ kind: "thinking", text: "" }));
        b.text += event.text;
        if (event.signature !== undefined) b.signature = event.signature;
        break;
      }
      case "tool_call_start":
        if (stateOf(event.choice).blocks.has(event.index)) throw protocolError();
        blockOf(event.choice, event.index, "tool", () => ({
          kind: "tool",
          id: event.id,
          name: event.name,
          args: "",
        }));
        break;
      case "tool_call_delta": {
        const block = stateOf(event.choice).blocks.get(event.index);
        if (block?.kind !== "tool") throw protocolError();
        block.args += event.argumentsJson;
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
  const candidates: GeminiCandidate[] = [];
  for (const [index, state] of [...choices.entries()].sort(([a], [b]) => a - b)) {
    const finish = state.finish;
    if (!finish) {
      throw new OvertError("OVT_ERR_UPSTREAM_INVALID_RESPONSE", { provider, detail: "no finish reason" });
    }
    if (finish.reason === "error") {
      throw new OvertError("OVT_ERR_UPSTREAM_ABORTED", { provider, detail: finish.rawReason ?? "error" });
    }
    const parts = [...state.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, block]) => partOf(block))
      .filter((p): p is GeminiPart => p !== undefined);
    candidates.push({
      content: { parts, role: "model" },
      finishReason: FINISH_REASONS[finish.reason],
      index,
    });
  }
  // Key order as Gemini writes it: candidates, usageMetadata, modelVersion, responseId.
  return {
    candidates,
    ...(usage ? { usageMetadata: geminiUsage(usage) } : {}),
    modelVersion: start?.model ?? "",
    responseId: options.responseId ?? responseIdFor(start?.id ?? ""),
  };
}

function partOf(block: Block): GeminiPart | undefined {
  switch (block.kind) {
    case "text":
      return block.text === "" ? undefined : { text: block.text };
    case "thinking":
      return block.text === "" && !block.signature ? undefined : thoughtPart(block.text, block.signature);
    case "tool":
      return { functionCall: { name: block.name, args: callArgs(block.args, block.id), id: block.id } };
  }
}
