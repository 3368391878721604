/**
 * Renders a GeneratePlan as the Gemini API writes it: a whole
 * GenerateContentResponse, or stream chunks — each a whole response holding
 * the parts produced since the previous chunk — framed as SSE (`alt=sse`:
 * `data: {…}\r\n\r\n`) or as one JSON array written piecewise
 * (`[{…},\r\n{…}]`). Key order is Gemini's: candidates, usageMetadata,
 * modelVersion, responseId. Every chunk but the last carries the prompt-side
 * usage; the last one each candidate's finishReason and the full usage.
 */

import type { GeneratePlan, Part } from "./generate.js";
import type { GeminiErrorObject } from "./types.js";

export type Chunk = Record<string, unknown>;

function response(plan: GeneratePlan, candidates: Chunk[], usage: unknown): Chunk {
  return {
    candidates,
    ...(usage !== undefined && usage !== null && usage !== "omit" ? { usageMetadata: usage } : {}),
    modelVersion: plan.modelVersion,
    responseId: plan.responseId,
  };
}

/** Adjacent text parts of one kind merged, as a non-streamed answer has them. */
function merge(pieces: readonly Part[][]): Part[] {
  const parts: Part[] = [];
  for (const part of pieces.flat()) {
    const last = parts.at(-1);
    const mergeable =
      last !== undefined &&
      typeof last.text === "string" &&
      typeof part.text === "string" &&
      last.thought === part.thought &&
      last.thoughtSignature === undefined;
    if (mergeable) {
      last.text = `${last.text as string}${part.text as string}`;
      if (part.thoughtSignature !== undefined) last.thoughtSignature = part.thoughtSignature;
    } else {
      parts.push({ ...part });
    }
  }
  return parts.length > 0 ? parts : [{ text: "" }];
}

export function renderJson(plan: GeneratePlan): Chunk {
  const candidates = plan.candidates.map((c) => ({
    content: { parts: merge(c.pieces), role: "model" },
    finishReason: c.finishReason,
    index: c.index,
  }));
  return response(plan, candidates, plan.usage);
}

export function renderChunks(plan: GeneratePlan): Chunk[] {
  const longest = Math.max(1, ...plan.candidates.map((c) => c.pieces.length));
  const chunks: Chunk[] = [];
  for (let k = 0; k < longest; k++) {
    const candidates: Chunk[] = [];
    for (const c of plan.candidates) {
      const count = Math.max(1, c.pieces.length);
      if (k >= count) continue;
      const parts = c.pieces[k] ?? [{ text: "" }];
      const last = k === count - 1;
      candidates.push({
        content: { parts, role: "model" },
        ...(last ? { finishReason: c.finishReason } : {}),
        index: c.index,
      });
    }
    const final = k === longest - 1;
    chunks.push(response(plan, candidates, final ? plan.usage : plan.promptUsage));
  }
  return chunks;
}

export function sseEvent(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}

/** The JSON-array stream form: element `i`, with the bracket (first) or separator before it. */
export function arrayElement(chunk: unknown, i: number): string {
  return `${i === 0 ? "[" : ",\r\n"}${JSON.stringify(chunk)}`;
}

export function errorChunk(error: GeminiErrorObject): Chunk {
  return { error };
}
