/**
 * Function-call ids across a Gemini conversation. The IR (like OpenAI and
 * Anthropic) ties each tool result to its call by id; Gemini's ids are
 * optional on both sides, so:
 *
 * - a `functionCall` keeps its `id`, or gets `call_<n>` (n counts the calls of
 *   the request from 0, skipping ids the client used itself): deterministic,
 *   so a growing history keeps the same ids turn after turn (prompt caches
 *   upstream see a stable prefix);
 * - a `functionResponse` whose `id` names a call is tied to that call;
 *   otherwise (no id, or an id no call carries — Gemini CLI invents ids for
 *   calls that came without one and sends them only on the response) it is
 *   tied to the earliest unanswered call of the same name. A response no call
 *   can be found for cannot be translated and is refused.
 */
import { isRecord, type Path, snakeOf, unsupported } from "./fields.js";

interface Call {
  id: string;
  name: string;
  answered: boolean;
}

export class CallLedger {
  readonly #taken: ReadonlySet<string>;
  readonly #calls: Call[] = [];
  #next = 0;

  /** `contents` as received: the client's own call ids are reserved before any is generated. */
  constructor(contents: readonly unknown[]) {
    this.#taken = explicitIds(contents);
  }

  /** Registers a call and returns its id. */
  call(name: string, id: string | undefined): string {
    let assigned = id;
    if (assigned === undefined) {
      do assigned = `call_${this.#next++}`;
      while (this.#taken.has(assigned));
    }
    this.#calls.push({ id: assigned, name, answered: false });
    return assigned;
  }

  /** The id of the call a response answers; throws OVT_ERR_TRANSLATE_UNSUPPORTED when there is none. */
  answer(name: string, id: string | undefined, path: Path): string {
    const byId = id === undefined ? undefined : this.#calls.find((c) => c.id === id);
    const call = byId ?? this.#calls.find((c) => !c.answered && c.name === name);
    if (!call) {
      throw unsupported(
        path,
        `A functionResponse for '${name}'`,
        "no earlier functionCall of that name is left unanswered, so it cannot be tied to a call",
      );
    }
    call.answered = true;
    return call.id;
  }
}

function explicitIds(contents: readonly unknown[]): Set<string> {
  const ids = new Set<string>();
  for (const content of contents) {
    if (!isRecord(content) || !Array.isArray(content.parts)) continue;
    for (const part of content.parts) {
      if (!isRecord(part)) continue;
      const call = part.functionCall ?? part[snakeOf("functionCall")];
      if (isRecord(call) && typeof call.id === "string" && call.id !== "") ids.add(call.id);
    }
  }
  return ids;
}
