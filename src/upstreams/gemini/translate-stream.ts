/**
 * Gemini `streamGenerateContent` chunks → IR events
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 * Each SSE `data:` (or element of the JSON-array form) is a whole
 * GenerateContentResponse holding the parts produced since the previous one:
 *
 *   {candidates: [{content: {parts, role: "model"}, finishReason?, index}],
 *    usageMetadata?, modelVersion, responseId}
 *
 * Per candidate (an IR choice), blocks are numbered 0, 1, 2… as they appear:
 * - consecutive text parts are one text block, consecutive thought parts
 *   (`thought: true`) one thinking block; a thought part's `thoughtSignature`
 *   rides on its thinking_delta and closes the block (one signature per block);
 * - a `functionCall` part (Gemini streams calls whole) → tool_call_start (its
 *   `id`, or one from CallIds), one tool_call_delta with its args as JSON, and
 *   block_stop. A `thoughtSignature` on the call — Gemini 3 signs the first
 *   call of each step and refuses the next request without it — has no place
 *   on an IR tool call, so it comes as a thinking block with no text and that
 *   signature just before the call; the request encoder puts it back on the call;
 * - a signature on a plain text part (Gemini 3 signs the last part of an
 *   answer without calls) is not kept: Gemini does not validate those, and
 *   carrying it would add an empty thinking block to every answer;
 * - any other part (inline data, executable code…) cannot be represented:
 *   OVT_ERR_UPSTREAM_INVALID_RESPONSE. The relay never asks for them.
 * - `finishReason` closes the open block and gives `finish` (common.ts);
 *   a prompt blocked before any candidate (`promptFeedback.blockReason`) is a
 *   `content_filter` finish of choice 0.
 * - `usageMetadata` (cumulative) → a `usage` event whenever it changes.
 * - `{error: {code, message, status}}` → one IR error event
 *   (OVT_ERR_UPSTREAM_STREAM_ERROR, message scrubbed); nothing is decoded after it.
 */
import { OvertError } from "../../errors/overt-error.js";
import type { IrEvent } from "../../ir/stream.js";
import { scrubUpstreamText } from "../scrub.js";
import { argsJson, CallIds, invalidResponse, isRecord, mapFinishReason } from "./common.js";
import { usageOf } from "./usage.js";

type Kind = "text" | "thinking";

interface ChoiceState {
  next: number;
  open: { kind: Kind; index: number } | undefined;
  sawCall: boolean;
  finished: boolean;
}

const DATA_KEYS = [
  "inlineData",
  "fileData",
  "executableCode",
  "codeExecutionResult",
  "functionResponse",
  "toolCall",
  "toolResponse",
] as const;

export class GenerateContentStreamDecoder {
  readonly #provider: string;
  readonly #choices = new Map<number, ChoiceState>();
  readonly #ids = new CallIds();
  #responseId = "";
  #started = false;
  #over = false;
  #usage = "";

  constructor(provider = "upstream") {
    this.#provider = provider;
  }

  /** True once every candidate seen so far has a finish reason (false before any, and after an error). */
  get finished(): boolean {
    if (this.#over || this.#choices.size === 0) return false;
    for (const c of this.#choices.values()) if (!c.finished) return false;
    return true;
  }

  /** Decodes one parsed chunk. */
  push(chunk: unknown): IrEvent[] {
    return this.#chunk(chunk, false);
  }

  /**
   * Decodes a chunk known to be the whole response (a non-streaming body): a
   * candidate without a finish reason is closed and finishes as `end_turn`
   * (rawReason "null"), as for the other dialects' complete bodies.
   */
  pushFinal(chunk: unknown): IrEvent[] {
    return this.#chunk(chunk, true);
  }

  #chunk(chunk: unknown, complete: boolean): IrEvent[] {
    if (this.#over) return [];
    if (!isRecord(chunk)) throw new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
    if (chunk.error !== undefined && chunk.error !== null) return this.#error(chunk.error);
    const out: IrEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      this.#responseId = typeof chunk.responseId === "string" ? chunk.responseId : "";
      out.push({
        type: "start",
        id: this.#responseId,
        model: typeof chunk.modelVersion === "string" ? chunk.modelVersion : "",
      });
    }
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    candidates.forEach((candidate, position) => {
      if (!isRecord(candidate)) throw invalidResponse(this.#provider, "malformed candidate");
      const n = typeof candidate.index === "number" ? candidate.index : position;
      this.#candidate(candidate, n, complete, out);
    });
    const feedback = isRecord(chunk.promptFeedback) ? chunk.promptFeedback : {};
    if (candidates.length === 0 && typeof feedback.blockReason === "string") {
      const state = this.#state(0);
      if (!state.finished) {
        state.finished = true;
        out.push({ type: "finish", choice: 0, reason: "content_filter", rawReason: feedback.blockReason });
      }
    }
    const usage = usageOf(chunk.usageMetadata);
    const key = usage ? JSON.stringify(usage) : "";
    if (usage && key !== this.#usage) {
      this.#usage = key;
      out.push({ type: "usage", usage });
    }
    return out;
  }

  #error(raw: unknown): IrEvent[] {
    this.#over = true;
    const error = isRecord(raw) ? raw : {};
    const status = typeof error.status === "string" ? error.status : "";
    const message = typeof error.message === "string" ? error.message : typeof raw === "string" ? raw : "";
    const text = status && message ? `${status}: ${message}` : status || message || "error event";
    const detail = scrubUpstreamText(text, []);
    const err = new OvertError("OVT_ERR_UPSTREAM_STREAM_ERROR", { provider: this.#provider, detail });
    return [{ type: "error", code: err.errorName, message: err.message }];
  }

  #state(n: number): ChoiceState {
    let state = this.#choices.get(n);
    if (!state) {
      state = { next: 0, open: undefined, sawCall: false, finished: false };
      this.#choices.set(n, state);
    }
    return state;
  }

  #close(state: ChoiceState, n: number, out: IrEvent[]): void {
    if (!state.open) return;
    out.push({ type: "block_stop", index: state.open.index, choice: n });
    state.open = undefined;
  }

  /** The open block of `kind` (opening one, and closing another, if needed). */
  #ensure(state: ChoiceState, n: number, kind: Kind, out: IrEvent[]): number {
    if (state.open?.kind === kind) return state.open.index;
    this.#close(state, n, out);
    state.open = { kind, index: state.next++ };
    return state.open.index;
  }

  #candidate(candidate: Record<string, unknown>, n: number, complete: boolean, out: IrEvent[]): void {
    const state = this.#state(n);
    if (state.finished) return;
    const content = isRecord(candidate.content) ? candidate.content : {};
    const parts = Array.isArray(content.parts) ? content.parts : [];
    for (const part of parts) {
      if (!isRecord(part)) throw invalidResponse(this.#provider, "malformed part");
      this.#part(part, state, n, out);
    }
    const raw =
      typeof candidate.finishReason === "string" ? candidate.finishReason : complete ? "null" : undefined;
    if (raw === undefined) return;
    this.#close(state, n, out);
    state.finished = true;
    out.push({ type: "finish", choice: n, reason: mapFinishReason(raw, state.sawCall), rawReason: raw });
  }

  #part(part: Record<string, unknown>, state: ChoiceState, n: number, out: IrEvent[]): void {
    const signature =
      typeof part.thoughtSignature === "string" && part.thoughtSignature !== ""
        ? part.thoughtSignature
        : undefined;
    if (part.text !== undefined && part.text !== null && typeof part.text !== "string") {
      throw invalidResponse(this.#provider, "part text is not a string");
    }
    const text = typeof part.text === "string" ? part.text : "";
    if (part.thought === true) {
      const index = this.#ensure(state, n, "thinking", out);
      if (text !== "" || signature !== undefined) {
        out.push({ type: "thinking_delta", index, choice: n, text, ...(signature ? { signature } : {}) });
      }
      if (signature !== undefined) this.#close(state, n, out);
      return;
    }
    if (isRecord(part.functionCall)) {
      this.#call(part.functionCall, signature, state, n, out);
      return;
    }
    const other = DATA_KEYS.find((key) => part[key] !== undefined && part[key] !== null);
    if (other !== undefined) throw invalidResponse(this.#provider, `a '${other}' part has no IR form`);
    if (text === "") return;
    out.push({ type: "text_delta", index: this.#ensure(state, n, "text", out), choice: n, text });
  }

  #call(
    call: Record<string, unknown>,
    signature: string | undefined,
    state: ChoiceState,
    n: number,
    out: IrEvent[],
  ): void {
    if (typeof call.name !== "string" || call.name === "") {
      throw invalidResponse(this.#provider, "functionCall without a name");
    }
    const args = argsJson(call.args, this.#provider);
    this.#close(state, n, out);
    if (signature !== undefined) {
      const carrier = state.next++;
      out.push(
        { type: "thinking_delta", index: carrier, choice: n, text: "", signature },
        { type: "block_stop", index: carrier, choice: n },
      );
    }
    const index = state.next++;
    const id = this.#ids.id(call.id, this.#responseId);
    state.sawCall = true;
    out.push(
      { type: "tool_call_start", index, choice: n, id, name: call.name },
      { type: "tool_call_delta", index, choice: n, argumentsJson: args },
      { type: "block_stop", index, choice: n },
    );
  }
}
