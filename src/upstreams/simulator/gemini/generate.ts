/**
 * The Gemini simulator's deterministic "model": decides each candidate's parts
 * (thought summary, text echo, function call, function-response echo, JSON),
 * applies stop sequences and maxOutputTokens, signs as Gemini 3 does, and
 * counts usage. Rendering to a JSON body or stream chunks is in render.ts.
 *
 * - With tools declared (mode not NONE) and a last user turn that is not a
 *   function response: one functionCall to the first declared (or first
 *   allowed) function, args an example of its schema, signed, no `id` (the
 *   Developer API leaves ids out), finishReason STOP.
 * - After a function response: "Tool said: <output>"; otherwise
 *   "You said: <last user text>", or an example of the response schema in JSON mode.
 * - With a thinkingConfig (budget not 0): thoughts "Thinking about: <text>",
 *   counted in `thoughtsTokenCount` and sent as thought parts only with
 *   `includeThoughts`; the answer's last text part is signed.
 */
import { randomId } from "../generate.js";
import { exampleFromSchema } from "../schema-example.js";
import { countTokens, tokenize } from "../tokens.js";
import type { UsageOverride } from "../types.js";
import type { GenerateView, ToolView } from "./request.js";
import { callSignature, textSignature } from "./signature.js";

export type Part = Record<string, unknown>;

export interface CandidatePlan {
  index: number;
  /** The parts of each stream chunk, in order (a JSON body merges them). */
  pieces: Part[][];
  finishReason: string;
}

export interface GeneratePlan {
  responseId: string;
  modelVersion: string;
  candidates: CandidatePlan[];
  /** `usageMetadata` of the JSON body and the last chunk, or "omit". */
  usage: UsageOverride;
  /** `usageMetadata` of the chunks before the last (prompt side only); null when usage is overridden. */
  promptUsage: Record<string, unknown> | null;
}

export interface PlanOverrides {
  text?: string;
  model?: string;
  usage?: UsageOverride;
  finishReason?: string;
}

const TEXT_TOKENS_PER_CHUNK = 2;
const THOUGHT_TOKENS_PER_CHUNK = 3;

function group(tokens: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(""));
  return out;
}

function chooseTool(view: GenerateView): ToolView | null {
  if (view.tools.length === 0 || view.mode === "NONE" || view.toolResultText !== null) return null;
  const allowed = view.mode === "ANY" ? view.tools.find((t) => view.allowed.includes(t.name)) : undefined;
  return allowed ?? view.tools[0] ?? null;
}

function cutAtStop(text: string, stops: readonly string[]): string {
  let cut = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut < 0 ? text : text.slice(0, cut);
}

function answerText(view: GenerateView, overrides: PlanOverrides): string {
  if (overrides.text !== undefined) return overrides.text;
  if (view.toolResultText !== null) return `Tool said: ${view.toolResultText}`;
  if (view.jsonSchema !== undefined) return JSON.stringify(exampleFromSchema(view.jsonSchema ?? {}));
  return `You said: ${view.lastUserText}`;
}

function promptDetails(view: GenerateView): Record<string, unknown> {
  return {
    promptTokenCount: view.promptTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: view.promptTokens }],
  };
}

export function planGenerate(view: GenerateView, overrides: PlanOverrides = {}): GeneratePlan {
  const candidates: CandidatePlan[] = [];
  let outputTokens = 0;
  let thoughtTokens = 0;
  for (let index = 0; index < view.candidateCount; index++) {
    const pieces: Part[][] = [];
    if (view.thinking && view.toolResultText === null) {
      const thought = tokenize(`Thinking about: ${view.lastUserText}`);
      thoughtTokens += thought.length;
      if (view.includeThoughts) {
        for (const text of group(thought, THOUGHT_TOKENS_PER_CHUNK)) pieces.push([{ text, thought: true }]);
      }
    }
    let finishReason = "STOP";
    const tool = overrides.text === undefined ? chooseTool(view) : null;
    if (tool !== null) {
      const example = exampleFromSchema(tool.schema);
      const args = typeof example === "object" && example !== null && !Array.isArray(example) ? example : {};
      outputTokens += countTokens(`${tool.name} ${JSON.stringify(args)}`);
      pieces.push([
        { functionCall: { name: tool.name, args }, thoughtSignature: callSignature(tool.name, args) },
      ]);
    } else {
      const tokens = tokenize(cutAtStop(answerText(view, overrides), view.stopSequences));
      const kept = tokens.slice(0, view.maxOutputTokens ?? tokens.length);
      if (kept.length < tokens.length) finishReason = "MAX_TOKENS";
      outputTokens += kept.length;
      const texts = group(kept, TEXT_TOKENS_PER_CHUNK);
      texts.forEach((text, k) => {
        const signed = view.thinking && k === texts.length - 1;
        pieces.push([signed ? { text, thoughtSignature: textSignature(kept.join("")) } : { text }]);
      });
    }
    candidates.push({ index, pieces, finishReason: overrides.finishReason ?? finishReason });
  }
  const usage: Record<string, unknown> = {
    promptTokenCount: view.promptTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: view.promptTokens + outputTokens + thoughtTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: view.promptTokens }],
  };
  if (thoughtTokens > 0) usage.thoughtsTokenCount = thoughtTokens;
  return {
    responseId: randomId(22),
    modelVersion: overrides.model ?? view.model,
    candidates,
    usage: overrides.usage ?? usage,
    promptUsage:
      overrides.usage === undefined ? { ...promptDetails(view), totalTokenCount: view.promptTokens } : null,
  };
}
