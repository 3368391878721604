/**
 * `${VAR}` substitution, applied to the *parsed* YAML values (never to the file
 * text), so a variable's content is always a plain string value and can never
 * inject YAML structure. Mapping keys are not substituted.
 *
 *   ${VAR}            value of VAR; an unset VAR is an error naming the path
 *   ${VAR:-default}   value of VAR, or `default` when VAR is unset or empty
 *   $${               a literal "${"
 */
import { ConfigError, formatPath } from "./errors.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Env = Record<string, string | undefined>;

export function substituteEnv(value: unknown, env: Env, file: string, path: PropertyKey[] = []): unknown {
  if (typeof value === "string") return substituteString(value, env, file, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, file, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = substituteEnv(item, env, file, [...path, key]);
    return out;
  }
  return value;
}

function substituteString(text: string, env: Env, file: string, path: PropertyKey[]): string {
  if (!text.includes("${")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf("}", i + 2);
    if (end < 0)
      throw new ConfigError(file, formatPath(path), 'has an unterminated "${" (write "$${" for a literal)');
    const body = text.slice(i + 2, end);
    const sep = body.indexOf(":-");
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      throw new ConfigError(file, formatPath(path), `has an invalid variable reference "\${${name}}"`);
    }
    const current = env[name];
    if (sep >= 0) {
      out += current === undefined || current === "" ? body.slice(sep + 2) : current;
    } else if (current === undefined) {
      throw new ConfigError(
        file,
        formatPath(path),
        `environment variable ${name} is not set (use \${${name}:-default} for a default)`,
      );
    } else {
      out += current;
    }
    i = end + 1;
  }
  return out;
}
