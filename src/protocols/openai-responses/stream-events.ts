/**
 * The SSE events of the Responses stream, numbered: each is
 * `event: <type>\ndata: {"type","sequence_number",…}\n\n` with the key order
 * the live API uses, the numbering from 0. Item events take the item's
 * `item_id`/`output_index` from output.ts's OutputItem.
 */
import { itemObject, type OutputItem, summaryPart, textPart } from "./output.js";

export class ResponsesEventWriter {
  #seq = 0;

  /** The next sequence number (for events written elsewhere, e.g. the error event). */
  next(): number {
    return this.#seq++;
  }

  event(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#seq++, ...data })}\n\n`;
  }

  itemAdded(item: OutputItem, sealed: boolean): string {
    return this.event("response.output_item.added", {
      output_index: item.outputIndex,
      item: itemObject(item, sealed, true),
    });
  }

  textPartAdded(item: OutputItem): string {
    return this.event("response.content_part.added", { ...where(item), part: textPart("") });
  }

  /** The hot path, as a template (the same bytes as `event()` would write). */
  textDelta(item: OutputItem, text: string): string {
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${this.#seq++},"item_id":${JSON.stringify(item.id)},"output_index":${item.outputIndex},"content_index":0,"delta":${JSON.stringify(text)},"logprobs":[]}\n\n`;
  }

  summaryPartAdded(item: OutputItem): string {
    return this.event("response.reasoning_summary_part.added", {
      ...summaryWhere(item),
      part: summaryPart(""),
    });
  }

  summaryDelta(item: OutputItem, delta: string): string {
    return this.event("response.reasoning_summary_text.delta", { ...summaryWhere(item), delta });
  }

  argumentsDelta(item: OutputItem, delta: string): string {
    return this.event("response.function_call_arguments.delta", {
      item_id: item.id,
      output_index: item.outputIndex,
      delta,
    });
  }

  /** The done events of an item, which takes `status` as its final status. */
  itemDone(item: OutputItem, status: "completed" | "incomplete", sealed: boolean): string {
    item.status = status;
    let s = "";
    switch (item.kind) {
      case "message":
        s += this.event("response.output_text.done", { ...where(item), text: item.text, logprobs: [] });
        s += this.event("response.content_part.done", { ...where(item), part: textPart(item.text) });
        break;
      case "reasoning":
        if (!item.hasPart) break;
        s += this.event("response.reasoning_summary_text.done", { ...summaryWhere(item), text: item.text });
        s += this.event("response.reasoning_summary_part.done", {
          ...summaryWhere(item),
          part: summaryPart(item.text),
        });
        break;
      case "function_call":
        // A call without input streams no arguments: "{}" keeps the deltas and the done event equal.
        if (item.text === "" && status === "completed") {
          item.text = "{}";
          s += this.argumentsDelta(item, "{}");
        }
        s += this.event("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: item.outputIndex,
          name: item.name ?? "",
          arguments: item.text,
        });
        break;
    }
    return (
      s +
      this.event("response.output_item.done", {
        output_index: item.outputIndex,
        item: itemObject(item, sealed),
      })
    );
  }
}

function where(item: OutputItem): Record<string, unknown> {
  return { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
}

function summaryWhere(item: OutputItem): Record<string, unknown> {
  return { item_id: item.id, output_index: item.outputIndex, summary_index: 0 };
}
