/**
 * Gemini `tools[].functionDeclarations` → IR tools and
 * `toolConfig.functionCallingConfig` → tool choice
 * (https://ai.google.dev/gemini-api/docs/function-calling). Google's
 * server-side tools (Search, code execution, URL context, Maps…) run only on
 * Google's servers and are refused; a declaration's `response` schema and
 * `behavior` go to `extensions`.
 */
import type { ToolChoice, ToolDefinition } from "../../ir/request.js";
import {
  asArray,
  asNonEmpty,
  asRecord,
  asString,
  asStrings,
  collectUnknown,
  field,
  invalid,
  known,
  optional,
  type Path,
  paramOf,
  unsupported,
} from "./fields.js";
import { jsonSchemaOf } from "./schema.js";

export const MAX_TOOLS = 1_000;

const DECLARATION_KEYS = known("name", "description", "parameters", "parametersJsonSchema");
const CALLING_KEYS = known("mode", "allowedFunctionNames");
/** Tools Google runs on its own servers: no other upstream can. */
const SERVER_TOOLS = known(
  "googleSearch",
  "googleSearchRetrieval",
  "codeExecution",
  "urlContext",
  "computerUse",
  "fileSearch",
  "googleMaps",
  "retrieval",
  "enterpriseWebSearch",
  "mcpServers",
  "exaAiSearch",
  "parallelAiSearch",
);

/** `tools` → function tools; Google's server-side tools are refused. */
export function decodeTools(value: unknown, at: Path, ext: Record<string, unknown>): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  asArray(value, at).forEach((rawTool, i) => {
    const toolAt = [...at, i];
    const tool = asRecord(rawTool, toolAt);
    for (const [key, v] of Object.entries(tool)) {
      if (v === undefined || v === null) continue;
      if (key === "functionDeclarations" || key === "function_declarations") continue;
      const feature = SERVER_TOOLS.has(key) ? `Google's '${key}' tool` : `Tool '${key}'`;
      throw unsupported([...toolAt, key], feature, "only function declarations translate to other upstreams");
    }
    const entry = field(tool, "functionDeclarations", toolAt);
    const declarations = optional(entry, asArray) ?? [];
    for (const [j, d] of declarations.entries()) tools.push(declaration(d, [...entry.path, j], ext));
  });
  if (tools.length > MAX_TOOLS) throw invalid(at, `may declare at most ${MAX_TOOLS} functions`);
  return tools;
}

function declaration(value: unknown, at: Path, ext: Record<string, unknown>): ToolDefinition {
  const raw = asRecord(value, at);
  const nameEntry = field(raw, "name", at);
  const name = asNonEmpty(nameEntry.value, nameEntry.path);
  const description = optional(field(raw, "description", at), asString);
  const params = field(raw, "parameters", at);
  const jsonParams = field(raw, "parametersJsonSchema", at);
  const hasParams = params.value !== undefined && params.value !== null;
  const hasJson = jsonParams.value !== undefined && jsonParams.value !== null;
  if (hasParams && hasJson)
    throw invalid(jsonParams.path, "parameters and parametersJsonSchema are mutually exclusive");
  collectUnknown(raw, DECLARATION_KEYS, at, ext);
  const inputSchema = hasParams
    ? jsonSchemaOf(params.value, params.path)
    : hasJson
      ? asRecord(jsonParams.value, jsonParams.path)
      : { type: "object", properties: {} };
  return { name, ...(description ? { description } : {}), inputSchema };
}

/**
 * `toolConfig.functionCallingConfig` → tool choice: AUTO → auto, NONE → none,
 * ANY → required, or the one function when `allowedFunctionNames` names one
 * (or all declared functions, which is plain ANY). A subset of several has no
 * IR form, nor has VALIDATED mode: both refused.
 */
export function decodeToolConfig(
  value: unknown,
  at: Path,
  tools: readonly ToolDefinition[],
  ext: Record<string, unknown>,
): ToolChoice | undefined {
  const raw = asRecord(value, at);
  const entry = field(raw, "functionCallingConfig", at);
  for (const [key, v] of Object.entries(raw)) {
    if (key !== "functionCallingConfig" && key !== "function_calling_config" && v !== null) {
      ext[paramOf([...at, key])] = v;
    }
  }
  if (entry.value === undefined || entry.value === null) return undefined;
  const config = asRecord(entry.value, entry.path);
  const modeEntry = field(config, "mode", entry.path);
  const mode = optional(modeEntry, asString) ?? "MODE_UNSPECIFIED";
  const namesEntry = field(config, "allowedFunctionNames", entry.path);
  const names = optional(namesEntry, asStrings) ?? [];
  collectUnknown(config, CALLING_KEYS, entry.path, ext);
  if (names.length > 0 && mode !== "ANY") {
    throw unsupported(
      namesEntry.path,
      `allowedFunctionNames with mode '${mode}'`,
      "only mode ANY narrows the choice",
    );
  }
  switch (mode) {
    case "MODE_UNSPECIFIED":
    case "AUTO":
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY": {
      const distinct = [...new Set(names)];
      if (distinct.length === 1) return { type: "tool", name: distinct[0]! };
      const declared = new Set(tools.map((t) => t.name));
      if (
        distinct.length === 0 ||
        (distinct.length === declared.size && distinct.every((n) => declared.has(n)))
      ) {
        return { type: "required" };
      }
      throw unsupported(
        namesEntry.path,
        "allowedFunctionNames naming several functions",
        "other dialects force one function or any",
      );
    }
    case "VALIDATED":
      throw unsupported(
        modeEntry.path,
        "Function calling mode 'VALIDATED'",
        "other dialects have no equivalent",
      );
    default:
      throw invalid(modeEntry.path, "must be AUTO, ANY, NONE or VALIDATED");
  }
}
