import { inspect } from "node:util";

/**
 * A secret value that refuses to be printed: toString, JSON and util.inspect all
 * show a redaction marker. Read it only with `reveal()` at the point of use
 * (security catalogue: secrets are typed values).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[secret]";
  }

  toJSON(): string {
    return "[secret]";
  }

  [inspect.custom](): string {
    return "[secret]";
  }
}
