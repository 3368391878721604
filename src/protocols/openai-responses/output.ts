/**
 * The output items of a Response as IR events build them, shared by the
 * non-streaming and streaming encoders. Each IR block of choice 0 becomes one
 * item, numbered 0, 1, 2… in order of appearance:
 *
 * - text → a `message` item with one `output_text` part (annotations: []);
 * - thinking → a `reasoning` item whose text is its one `summary_text` part
 *   (Anthropic's thinking is itself summarized); its signature goes out sealed
 *   as `encrypted_content` when the request included `reasoning.encrypted_content`,
 *   and is dropped (`dropped:thinking_signature`) otherwise;
 * - a tool call → a `function_call` item (`call_id` = the upstream's call id,
 *   `arguments` = its JSON text verbatim; an empty one becomes "{}").
 */
import { OvertError } from "../../errors/overt-error.js";
import { itemIdFor, sealSignature } from "./wire.js";

export type ItemKind = "message" | "reasoning" | "function_call";
export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface OutputItem {
  kind: ItemKind;
  outputIndex: number;
  id: string;
  status: ItemStatus;
  /** Message text, reasoning summary text, or function-call arguments so far. */
  text: string;
  /** Message: its output_text part was announced; reasoning: its summary part was. */
  hasPart: boolean;
  closed: boolean;
  callId?: string;
  name?: string;
  signature?: string;
}

const PREFIX = { message: "msg", reasoning: "rs", function_call: "fc" } as const;

export class OutputBuilder {
  readonly #responseId: string;
  readonly #provider: string;
  /** IR block index → item. */
  readonly #byIndex = new Map<number, OutputItem>();
  readonly #items: OutputItem[] = [];

  constructor(responseId: string, provider: string) {
    this.#responseId = responseId;
    this.#provider = provider;
  }

  get items(): readonly OutputItem[] {
    return this.#items;
  }

  get(index: number): OutputItem | undefined {
    return this.#byIndex.get(index);
  }

  protocolError(): OvertError {
    return new OvertError("OVT_ERR_UPSTREAM_PROTOCOL", { provider: this.#provider });
  }

  /** Opens the item of IR block `index`; a block index seen before is a protocol error. */
  open(index: number, kind: ItemKind, call?: { callId: string; name: string }): OutputItem {
    if (this.#byIndex.has(index)) throw this.protocolError();
    const outputIndex = this.#items.length;
    const item: OutputItem = {
      kind,
      outputIndex,
      id: itemIdFor(PREFIX[kind], this.#responseId, outputIndex),
      status: "in_progress",
      text: "",
      hasPart: false,
      closed: false,
      ...(call ? { callId: call.callId, name: call.name } : {}),
    };
    this.#byIndex.set(index, item);
    this.#items.push(item);
    return item;
  }

  /** The open item of block `index`, which must be of `kind`; opens it if new (not for function calls). */
  ensure(index: number, kind: "message" | "reasoning"): { item: OutputItem; opened: boolean } {
    const known = this.#byIndex.get(index);
    if (known === undefined) return { item: this.open(index, kind), opened: true };
    if (known.kind !== kind || known.closed) throw this.protocolError();
    return { item: known, opened: false };
  }

  /** The open function-call item of block `index`. */
  call(index: number): OutputItem {
    const item = this.#byIndex.get(index);
    if (item?.kind !== "function_call" || item.closed) throw this.protocolError();
    return item;
  }
}

/** `output_text` part (as the live API sends it: annotations and logprobs empty). */
export function textPart(text: string): Record<string, unknown> {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

export function summaryPart(text: string): Record<string, unknown> {
  return { type: "summary_text", text };
}

/** Function-call arguments as sent: the empty text of a completed call without input is "{}". */
export function argumentsOf(item: OutputItem): string {
  return item.text === "" && item.status === "completed" ? "{}" : item.text;
}

/**
 * The item object as `output_item.added` (before any content) or `.done` and the
 * response's `output` carry it. `sealed` puts a reasoning item's signature in
 * `encrypted_content` (null when it has none).
 */
export function itemObject(item: OutputItem, sealed: boolean, fresh = false): Record<string, unknown> {
  switch (item.kind) {
    case "message":
      return {
        id: item.id,
        type: "message",
        status: item.status,
        content: fresh || !item.hasPart ? [] : [textPart(item.text)],
        role: "assistant",
      };
    case "reasoning": {
      const out: Record<string, unknown> = {
        id: item.id,
        type: "reasoning",
        summary: fresh || item.text === "" ? [] : [summaryPart(item.text)],
      };
      if (sealed && !fresh) {
        out.encrypted_content = item.signature === undefined ? null : sealSignature(item.signature);
      }
      return out;
    }
    case "function_call":
      return {
        id: item.id,
        type: "function_call",
        status: item.status,
        arguments: fresh ? "" : argumentsOf(item),
        call_id: item.callId ?? "",
        name: item.name ?? "",
      };
  }
}
