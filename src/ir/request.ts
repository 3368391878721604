/**
 * The canonical request: a superset of every client dialect (DESIGN §4).
 * Same-dialect traffic never goes through it (passthrough); translations do.
 * Kept import-free on purpose: ir/ depends on nothing.
 */
export type Role = "system" | "developer" | "user" | "assistant" | "tool";

export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

export type ContentBlock =
  | { type: "text"; text: string; cacheControl?: CacheControl }
  | { type: "image"; source: ImageSource; detail?: string; cacheControl?: CacheControl }
  | { type: "document"; source: DocumentSource; title?: string; cacheControl?: CacheControl }
  | { type: "tool_use"; id: string; name: string; input: unknown; cacheControl?: CacheControl }
  | {
      type: "tool_result";
      toolUseId: string;
      content: ContentBlock[];
      isError?: boolean;
      cacheControl?: CacheControl;
    }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string };

export type ImageSource = { kind: "url"; url: string } | { kind: "base64"; mediaType: string; data: string };
export type DocumentSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "text"; text: string };

export interface Message {
  role: Role;
  content: ContentBlock[];
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: unknown;
  strict?: boolean;
  cacheControl?: CacheControl;
  /**
   * A provider-defined tool (e.g. Anthropic's `web_search_20250305`) rather than a
   * function: its `type` and every other field, verbatim. Absent for function tools.
   */
  builtin?: { type: string; fields: Record<string, unknown> };
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

/** Extended thinking / reasoning settings. `budgetTokens` counts toward maxOutputTokens. */
export interface ThinkingConfig {
  type: "enabled" | "disabled" | "adaptive";
  budgetTokens?: number;
  display?: "summarized" | "omitted";
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: unknown; strict?: boolean };

export interface IrRequest {
  model: string;
  system: ContentBlock[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop: string[];
  seed?: number;
  n?: number;
  responseFormat?: ResponseFormat;
  logprobs?: boolean;
  topLogprobs?: number;
  stream: boolean;
  thinking?: ThinkingConfig;
  /** An opaque end-user id for the provider's abuse detection (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** The client dialect the request was decoded from: names whose fields `extensions` holds (e.g. "anthropic-messages"). */
  dialect?: string;
  /** Fields of the client dialect that have no IR home; an adapter of the same dialect may forward them. */
  extensions: Record<string, unknown>;
}
