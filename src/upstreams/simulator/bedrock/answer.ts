/**
 * The Bedrock simulator's answers: the echo behaviour of the other simulators
 * ("You said: <last user text>", a toolUse for the chosen tool — the one
 * named by toolChoice.tool, else the first — and "Tool said: …" after a
 * toolResult), rendered as a Converse JSON body or as ConverseStream event frames.
 */
import { randomBytes } from "node:crypto";
import { encodeEventStreamMessage } from "../../bedrock/eventstream.js";
import { exampleFromSchema } from "../schema-example.js";
import { countTokens } from "../tokens.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface ConversePlan {
  kind: "text" | "tool";
  text: string;
  tool?: { id: string; name: string; input: unknown };
  stopReason: "end_turn" | "tool_use";
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

function textOf(blocks: unknown): string {
  if (!Array.isArray(blocks)) return "";
  return blocks
    .map((b) =>
      isRecord(b) && typeof b.text === "string"
        ? b.text
        : isRecord(b) && b.json !== undefined
          ? JSON.stringify(b.json)
          : "",
    )
    .join("");
}

/** The answer to a Converse body (already checked to have a messages array). */
export function planConverse(body: Record<string, unknown>): ConversePlan {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const last = messages.at(-1);
  const content = Array.isArray(last?.content) ? last.content.filter(isRecord) : [];
  const result = content.find((b) => isRecord(b.toolResult));
  const inputText = [textOf(body.system), ...messages.map((m) => textOf(m.content))].join(" ");
  const inputTokens = countTokens(inputText) + 3 * messages.length;
  const config = isRecord(body.toolConfig) ? body.toolConfig : {};
  const tools = (Array.isArray(config.tools) ? config.tools : [])
    .map((t) => (isRecord(t) && isRecord(t.toolSpec) ? t.toolSpec : undefined))
    .filter((t) => t !== undefined);
  const usage = (text: string) => {
    const outputTokens = Math.max(1, countTokens(text));
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  };
  if (result && isRecord(result.toolResult)) {
    const text = `Tool said: ${textOf(result.toolResult.content)}`;
    return { kind: "text", text, stopReason: "end_turn", usage: usage(text) };
  }
  const choice = isRecord(config.toolChoice) ? config.toolChoice : {};
  const named = isRecord(choice.tool) && typeof choice.tool.name === "string" ? choice.tool.name : undefined;
  const tool = tools.find((t) => t.name === named) ?? tools[0];
  if (tool && typeof tool.name === "string") {
    const schema = isRecord(tool.inputSchema) ? tool.inputSchema.json : undefined;
    const input = exampleFromSchema(schema);
    const id = `tooluse_${randomBytes(11).toString("base64url")}`;
    return {
      kind: "tool",
      text: "",
      tool: { id, name: tool.name, input },
      stopReason: "tool_use",
      usage: usage(JSON.stringify(input)),
    };
  }
  const userText = textOf(last?.content);
  const text = `You said: ${userText}`;
  return { kind: "text", text, stopReason: "end_turn", usage: usage(text) };
}

export function converseJson(plan: ConversePlan): Record<string, unknown> {
  const content = plan.tool
    ? [{ toolUse: { toolUseId: plan.tool.id, name: plan.tool.name, input: plan.tool.input } }]
    : [{ text: plan.text }];
  return {
    output: { message: { role: "assistant", content } },
    stopReason: plan.stopReason,
    usage: plan.usage,
    metrics: { latencyMs: 1 },
  };
}

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  const headers = { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" };
  return encodeEventStreamMessage(headers, Buffer.from(JSON.stringify(payload)));
}

export function exceptionFrame(exceptionType: string, payload: unknown): Uint8Array {
  const headers = {
    ":exception-type": exceptionType,
    ":content-type": "application/json",
    ":message-type": "exception",
  };
  return encodeEventStreamMessage(headers, Buffer.from(JSON.stringify(payload)));
}

/** Splits text into a few pieces (on word boundaries), as a model streams it. */
function pieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 2) out.push(words.slice(i, i + 2).join(""));
  return out.length > 0 ? out : [""];
}

/** The ConverseStream frames of an answer, in order (ending with metadata). */
export function converseFrames(plan: ConversePlan): Uint8Array[] {
  const frames = [eventFrame("messageStart", { role: "assistant" })];
  if (plan.tool) {
    const json = JSON.stringify(plan.tool.input);
    const cut = Math.ceil(json.length / 2);
    frames.push(
      eventFrame("contentBlockStart", {
        contentBlockIndex: 0,
        start: { toolUse: { toolUseId: plan.tool.id, name: plan.tool.name } },
      }),
    );
    for (const part of [json.slice(0, cut), json.slice(cut)]) {
      if (part !== "")
        frames.push(
          eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: part } } }),
        );
    }
  } else {
    for (const text of pieces(plan.text)) {
      frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text } }));
    }
  }
  frames.push(
    eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
    eventFrame("messageStop", { stopReason: plan.stopReason }),
    eventFrame("metadata", { usage: plan.usage, metrics: { latencyMs: 1 } }),
  );
  return frames;
}
