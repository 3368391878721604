/**
 * IR events → `streamGenerateContent`, each chunk a whole GenerateContentResponse
 * holding the parts produced since the last one:
 *
 *   data: {"candidates":[{"content":{"parts":[{"text":"…"}],"role":"model"},"index":0}],
 *          "modelVersion":"…","responseId":"…"}\r\n\r\n                       (sse: true, `alt=sse`)
 *
 * or, without `alt=sse`, the same objects as one JSON array streamed piecewise:
 * `[` + chunks joined by `,\r\n` + `]` (sse: false).
 *
 * - Text and thought deltas go out as they arrive (`{text}`,
 *   `{text, thought: true, thoughtSignature?}`).
 * - Gemini streams function calls whole, so a tool call's argument deltas are
 *   buffered and its `{functionCall: {name, args, id}}` part is sent when the
 *   block stops (or the choice finishes).
 * - The finish reason is held until `end()`, once the upstream has ended, so
 *   the last chunk carries `finishReason` with `usageMetadata` (which usually
 *   arrives after the finish reason) as Gemini's does. That chunk's content is
 *   `{text: ""}`: @google/genai's chat history takes a chunk without parts as
 *   an invalid response.
 *
 * `end()` writes nothing if a choice did not finish normally; `failure` then
 * says why, for `error()`: the error envelope as a `data:` event (or the
 * array's last element), after which nothing more is written.
 */
import { errorFromEvent, OvertError } from "../../errors/overt-error.js";
import type { IrEvent, StopReason } from "../../ir/stream.js";
import type { Usage } from "../../ir/usage.js";
import { geminiErrorBody } from "./errors.js";
import {
  callArgs,
  FINISH_REASONS,
  type GeminiCandidate,
  type GeminiPart,
  geminiUsage,
  responseIdFor,
  thoughtPart,
} from "./wire.js";

export interface GenerateContentStreamOptions {
  /** `alt=sse` framing; otherwise the JSON array form. */
  sse: boolean;
  /** The `responseId` of every chunk; default the upstream's id (see responseIdFor). */
  responseId?: string;
  /** Provider name for error messages; default "upstream". */
  provider?: string;
  /** Request id carried in error envelopes. */
  requestId?: string;
}

type Kind = "text" | "thinking" | "tool";

interface ChoiceState {
  kinds: Map<number, Kind>;
  /** Tool calls whose arguments are still arriving, by IR block index. */
  calls: Map<number, { id: string; name: string; args: string }>;
  finish?: Exclude<StopReason, "error">;
}

export class GenerateContentStreamEncoder {
  readonly #options: GenerateContentStreamOptions;
  readonly #choices = new Map<number, ChoiceState>();
  #model = "";
  #upstreamId: string | undefined;
  #responseId: string | undefined;
  #usage: Usage | undefined;
  /** An array element (or SSE event) has been written: the array form is open. */
  #opened = false;
  #done = false;
  #completed = false;
  /** rawReason of an `error` finish: the upstream stopped generating. */
  #aborted: string | undefined;

  constructor(options: GenerateContentStreamOptions) {
    this.#options = options;
  }

  /** True once every choice has finished normally: `end()` will complete the stream. */
  get finished(): boolean {
    if (this.#done && !this.#completed) return false;
    if (this.#aborted !== undefined || this.#choices.size === 0) return false;
    for (const c of this.#choices.values()) if (c.finish === undefined) return false;
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

  /** The bytes (as text) for one IR event; "" when it produces none. */
  push(event: IrEvent): string {
    if (this.#done) return "";
    switch (event.type) {
      case "start":
        if (this.#upstreamId === undefined) {
          this.#upstreamId = event.id;
          this.#model = event.model;
        }
        return "";
      case "usage":
        this.#usage = event.usage;
        return "";
      case "error":
        return this.error(errorFromEvent(event.code, event.message, "OVT_ERR_UPSTREAM_STREAM_ERROR"));
      case "text_delta":
        this.#open(event.choice, event.index, "text");
        return event.text === "" ? "" : this.#parts(event.choice, [{ text: event.text }]);
      case "thinking_delta":
        this.#open(event.choice, event.index, "thinking");
        if (event.text === "" && !event.signature) return "";
        return this.#parts(event.choice, [thoughtPart(event.text, event.signature)]);
      case "tool_call_start": {
        const state = this.#state(event.choice);
        if (state.kinds.has(event.index)) throw this.#protocolError();
        this.#open(event.choice, event.index, "tool");
        state.calls.set(event.index, { id: event.id, name: event.name, args: "" });
        return "";
      }
      case "tool_call_delta": {
        const call = this.#choices.get(event.choice)?.calls.get(event.index);
        if (!call) throw this.#protocolError();
        call.args += event.argumentsJson;
        return "";
      }
      case "block_stop": {
        const state = this.#choices.get(event.choice);
        const call = state?.calls.get(event.index);
        if (!state || !call) return "";
        state.calls.delete(event.index);
        return this.#parts(event.choice, [functionCallPart(call)]);
      }
      case "finish": {
        const state = this.#state(event.choice);
        if (state.finish !== undefined) return "";
        if (event.reason === "error") {
          this.#aborted ??= event.rawReason ?? "error";
          return "";
        }
        const pending = [...state.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
        state.calls.clear();
        const out = pending.length > 0 ? this.#parts(event.choice, pending.map(functionCallPart)) : "";
        state.finish = event.reason;
        return out;
      }
    }
  }

  /**
   * Completes the stream once the upstream has ended: the last chunk, with each
   * choice's finishReason and the usage. "" if the stream is not `finished`:
   * the caller then sends `error(failure)`.
   */
  end(): string {
    if (this.#done || !this.finished) return "";
    this.#done = true;
    this.#completed = true;
    const candidates: GeminiCandidate[] = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => ({
        content: { parts: [{ text: "" }], role: "model" },
        ...(state.finish ? { finishReason: FINISH_REASONS[state.finish] } : {}),
        index,
      }));
    return this.#frame(candidates, true) + (this.#options.sse ? "" : "]");
  }

  /** The in-stream error for a failure after the first byte; ends the stream. */
  error(err: OvertError): string {
    if (this.#done) return "";
    this.#done = true;
    const body = geminiErrorBody(err, this.#options.requestId ?? "");
    if (this.#options.sse) return `data: ${body}\r\n\r\n`;
    return `${this.#opened ? ",\r\n" : "["}${body}]`;
  }

  get #provider(): string {
    return this.#options.provider ?? "upstream";
  }

  #protocolError(): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
  }

  #state(choice: number): ChoiceState {
    let state = this.#choices.get(choice);
    if (!state) {
      state = { kinds: new Map(), calls: new Map() };
      this.#choices.set(choice, state);
    }
    return state;
  }

  /** Checks a block's kind (a block cannot change kind) and that its choice is still open. */
  #open(choice: number, index: number, kind: Kind): void {
    const state = this.#state(choice);
    if (state.finish !== undefined) throw this.#protocolError();
    const known = state.kinds.get(index);
    if (known === undefined) state.kinds.set(index, kind);
    else if (known !== kind) throw this.#protocolError();
  }

  #parts(choice: number, parts: GeminiPart[]): string {
    return this.#frame([{ content: { parts, role: "model" }, index: choice }], false);
  }

  #frame(candidates: GeminiCandidate[], last: boolean): string {
    this.#responseId ??= this.#options.responseId ?? responseIdFor(this.#upstreamId ?? "");
    // Key order as Gemini writes it: candidates, usageMetadata, modelVersion, responseId.
    const chunk = JSON.stringify({
      candidates,
      ...(last && this.#usage ? { usageMetadata: geminiUsage(this.#usage) } : {}),
      modelVersion: this.#model,
      responseId: this.#responseId,
    });
    if (this.#options.sse) return `data: ${chunk}\r\n\r\n`;
    const out = `${this.#opened ? ",\r\n" : "["}${chunk}`;
    this.#opened = true;
    return out;
  }
}

function functionCallPart(call: { id: string; name: string; args: string }): GeminiPart {
  return { functionCall: { name: call.name, args: callArgs(call.args, call.id), id: call.id } };
}
