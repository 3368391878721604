import { ERRORS, type ErrorDefinition, type ErrorName } from "./registry.js";

export type ErrorParams = Record<string, string | number>;

/** A relay error with its registry entry; rendered per dialect by protocols/<dialect>/errors. */
export class OvertError extends Error {
  override readonly name = "OvertError";
  readonly definition: ErrorDefinition;
  readonly errorName: ErrorName;
  readonly params: ErrorParams;
  /** The request field at fault, OpenAI's `param`. */
  readonly param: string | null;
  /** HTTP status to answer; defaults to the registry's but upstream mirrors may override (e.g. 422). */
  readonly status: number;
  /** Extra response headers such as Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    errorName: ErrorName,
    params: ErrorParams = {},
    options: {
      param?: string | null;
      status?: number;
      headers?: Record<string, string>;
      message?: string;
    } = {},
  ) {
    const definition = ERRORS[errorName];
    // `message` carries an already-rendered (and scrubbed) text, e.g. from an IR error event.
    super(options.message ?? renderTemplate(definition.message, params));
    this.errorName = errorName;
    this.definition = definition;
    this.params = params;
    this.param = options.param ?? null;
    this.status = options.status ?? definition.status;
    this.headers = options.headers ?? {};
  }

  get code(): string {
    return this.definition.code;
  }
}

export function renderTemplate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(params, key) ? String(params[key]) : whole,
  );
}

export function isOvertError(value: unknown): value is OvertError {
  return value instanceof OvertError;
}

/** Rebuilds a relay error from an IR error event's registry name and rendered message. */
export function errorFromEvent(code: string, message: string, fallback: ErrorName): OvertError {
  const name = (Object.hasOwn(ERRORS, code) ? code : fallback) as ErrorName;
  return new OvertError(name, {}, { message });
}
