/**
 * Puts pseudonymized values back into the response (issue 4; catalogue C10).
 * Works on IR events, so it serves every client dialect and every upstream the
 * same way. A placeholder may arrive split across deltas (`<PII_EM` + `AIL_1>`):
 * each block holds back a tail that could still become a placeholder and emits
 * it with the next delta, or on its own before the block's next non-delta event.
 * Tool-call arguments are JSON text, so values go back JSON-escaped there.
 */
import type { IrEvent } from "../ir/stream.js";

type DeltaEvent = Extract<IrEvent, { type: "text_delta" | "thinking_delta" | "tool_call_delta" }>;

function blockKey(choice: number, index: number): string {
  return `${choice}:${index}`;
}

export class PseudonymRestorer {
  readonly #values: ReadonlyMap<string, string>;
  readonly #longest: number;
  /** Held-back text per block, with the event it belongs to. */
  readonly #held = new Map<string, { event: DeltaEvent; text: string }>();
  #restored = 0;

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
    let longest = 0;
    for (const key of values.keys()) longest = Math.max(longest, key.length);
    this.#longest = longest;
  }

  /** Placeholders put back so far. */
  get restored(): number {
    return this.#restored;
  }

  push(events: readonly IrEvent[]): IrEvent[] {
    const out: IrEvent[] = [];
    for (const event of events) {
      if (
        event.type === "text_delta" ||
        event.type === "thinking_delta" ||
        event.type === "tool_call_delta"
      ) {
        this.#delta(event, out);
        continue;
      }
      if (event.type === "block_stop") this.#flush(blockKey(event.choice, event.index), out);
      else if (event.type === "finish" || event.type === "error" || event.type === "usage")
        this.#flushAll(out);
      out.push(event);
    }
    return out;
  }

  /** Emits everything still held (end of a non-streaming body). */
  end(): IrEvent[] {
    const out: IrEvent[] = [];
    this.#flushAll(out);
    return out;
  }

  #delta(event: DeltaEvent, out: IrEvent[]): void {
    const key = blockKey(event.choice, event.index);
    if (textOf(event).length === 0) {
      // A signature-only thinking delta: the held text goes first, order kept.
      this.#flush(key, out);
      out.push(event);
      return;
    }
    const held = this.#held.get(key);
    const text = (held?.text ?? "") + textOf(event);
    const json = event.type === "tool_call_delta";
    const safeEnd = this.#safeEnd(text);
    const ready = this.#replace(text.slice(0, safeEnd), json);
    const tail = text.slice(safeEnd);
    if (tail.length > 0) {
      // A signature travels with the text it is emitted with, not with the held tail.
      const bare = event.type === "thinking_delta" ? { ...event, signature: undefined } : event;
      this.#held.set(key, { event: bare, text: tail });
    } else this.#held.delete(key);
    if (ready.length > 0) out.push(withText(event, ready));
  }

  #flush(key: string, out: IrEvent[]): void {
    const held = this.#held.get(key);
    if (held === undefined) return;
    this.#held.delete(key);
    out.push(withText(held.event, this.#replace(held.text, held.event.type === "tool_call_delta")));
  }

  #flushAll(out: IrEvent[]): void {
    for (const key of [...this.#held.keys()]) this.#flush(key, out);
  }

  /** Where the text stops being certainly free of an unfinished placeholder. */
  #safeEnd(text: string): number {
    const from = Math.max(0, text.length - this.#longest + 1);
    const open = text.indexOf("<", from);
    if (open < 0) return text.length;
    for (let at = open; at >= 0 && at < text.length; at = text.indexOf("<", at + 1)) {
      const tail = text.slice(at);
      for (const placeholder of this.#values.keys()) {
        if (placeholder.length > tail.length && placeholder.startsWith(tail)) return at;
      }
    }
    return text.length;
  }

  #replace(text: string, json: boolean): string {
    if (text.indexOf("<") < 0) return text;
    return text.replace(/<[A-Z_]{1,64}_\d{1,6}>/g, (placeholder) => {
      const value = this.#values.get(placeholder);
      if (value === undefined) return placeholder;
      this.#restored++;
      return json ? JSON.stringify(value).slice(1, -1) : value;
    });
  }
}

function textOf(event: DeltaEvent): string {
  return event.type === "tool_call_delta" ? event.argumentsJson : event.text;
}

function withText(event: DeltaEvent, text: string): DeltaEvent {
  return event.type === "tool_call_delta" ? { ...event, argumentsJson: text } : { ...event, text };
}
