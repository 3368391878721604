/**
 * Readable configuration errors: `<file>: <dotted.path>: <what is wrong>`.
 *
 * Messages name files, paths, field names, variable names and host names, but
 * never a configured value: a value may be a secret (an API key, a pepper, a
 * database URL with a password, or anything substituted from the environment).
 */
import type { z } from "zod";

export class ConfigError extends Error {
  /** The config file the error is in, or null when it comes from an environment variable or the command line. */
  readonly file: string | null;
  /** Dotted path inside the file (`providers.deepseek.baseUrl`, `models.chat[1].provider`), or the variable name. */
  readonly path: string;

  constructor(file: string | null, path: string, detail: string) {
    const where = file ?? "environment";
    super(path === "" ? `${where}: ${detail}` : `${where}: ${path}: ${detail}`);
    this.name = "ConfigError";
    this.file = file;
    this.path = path;
  }
}

/** Render a path as `a.b[2].c`; keys that are not plain identifiers are quoted (`providers["a.b"]`). */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** Describe one zod issue without echoing the input value. */
export function describeIssue(issue: Issue): { path: PropertyKey[]; detail: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys": {
      const [first, ...rest] = issue.keys;
      return {
        path: first === undefined ? path : [...path, first],
        detail: rest.length === 0 ? "unknown field" : `unknown field (also unknown here: ${rest.join(", ")})`,
      };
    }
    case "invalid_type":
      if (issue.input === undefined) return { path, detail: "is required" };
      return { path, detail: `must be ${article(issue.expected)}` };
    case "invalid_value":
      return { path, detail: `must be one of ${issue.values.map((v) => String(v)).join(", ")}` };
    case "invalid_union": {
      const options: unknown = (issue as { options?: unknown }).options;
      if (Array.isArray(options)) {
        return { path, detail: `must be one of ${options.map((v) => String(v)).join(", ")}` };
      }
      const nested = issue.errors.flat()[0];
      if (nested) {
        const inner = describeIssue(nested);
        return { path: [...path, ...inner.path], detail: inner.detail };
      }
      return { path, detail: "has an invalid value" };
    }
    case "too_small":
      if (issue.origin === "array")
        return { path, detail: `must list at least ${String(issue.minimum)} item(s)` };
      return { path, detail: `must be at least ${String(issue.minimum)}` };
    case "too_big":
      if (issue.origin === "array")
        return { path, detail: `must list at most ${String(issue.maximum)} item(s)` };
      return { path, detail: `must be at most ${String(issue.maximum)}` };
    case "custom":
      return { path, detail: issue.message };
    default:
      return { path, detail: "has an invalid value" };
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    boolean: "true or false",
    object: "a mapping",
    array: "a list",
    int: "an integer",
  };
  return names[expected] ?? `of type ${expected}`;
}

/** Turn the first zod issue into a ConfigError; the message says how many more there are. */
export function issuesToError(
  file: string | null,
  issues: readonly Issue[],
  prefix: PropertyKey[] = [],
): ConfigError {
  const first = issues[0];
  if (!first) return new ConfigError(file, formatPath(prefix), "is invalid");
  const { path, detail } = describeIssue(first);
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new ConfigError(file, formatPath([...prefix, ...path]), detail + more);
}
