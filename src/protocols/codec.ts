/**
 * A client dialect as the pipeline sees it (DESIGN §4: one codec per dialect):
 * it validates the request, says what the relay needs to know about it, and can
 * produce the IR when the upstream speaks another dialect.
 */
import type { IrRequest } from "../ir/request.js";
import type { ErrorDialect } from "./dialect.js";

export type ClientDialect =
  | "openai-chat"
  | "anthropic-messages"
  | "openai-responses"
  | "gemini"
  | "openai-embeddings";

export interface ParsedClientRequest {
  dialect: ClientDialect;
  model: string;
  stream: boolean;
  /** Choices requested (OpenAI `n`); 1 elsewhere. */
  n: number;
  /** The request's own bound on output tokens, for capping absurd usage. */
  maxOutputTokens: number | undefined;
  /** OpenAI streams: the client asked for the usage chunk itself. */
  clientWantsUsage: boolean;
  /** The one parsed body: forwarded (with surgical edits) when the upstream speaks this dialect. */
  body: Record<string, unknown>;
  /** The canonical request, for translation; throws OVT_ERR_TRANSLATE_UNSUPPORTED when not possible. */
  ir(): IrRequest;
  /** Client headers meant for a same-dialect upstream (e.g. anthropic-beta), already checked for CR/LF. */
  forwardHeaders: Record<string, string>;
  /** Gemini streams only: SSE (`alt=sse`) rather than one JSON array. */
  sse?: boolean;
  /** Changes the relay makes on the client's behalf whatever the upstream (e.g. "store=false"). */
  notes?: string[];
  /** Changes made only when the request is translated for another dialect (e.g. hosted tools left out). */
  translationNotes?: string[];
}

export interface ClientCodec {
  readonly dialect: ClientDialect;
  readonly errors: ErrorDialect;
  parse(body: unknown, headers: Readonly<Record<string, string | string[] | undefined>>): ParsedClientRequest;
}
