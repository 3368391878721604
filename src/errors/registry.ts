/**
 * The one registry of relay errors (DESIGN §7). Every failure a client can see is
 * an entry here; docs/ERRORS.md is generated from it and a test keeps the two equal.
 *
 * `code` is the stable short code sent in the `overt-error-code` header and in
 * OpenAI's `error.code`; `kind` picks the type each dialect's envelope uses.
 * Messages are templates over `{name}` parameters and never carry secrets,
 * key values, prompt text, upstream URLs or stack traces.
 */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "too_large"
  | "rate_limit"
  | "upstream"
  | "overloaded"
  | "timeout"
  | "internal";

export interface ErrorDefinition {
  status: number;
  code: string;
  kind: ErrorKind;
  message: string;
  doc: string;
}

function def(status: number, code: string, kind: ErrorKind, message: string, doc: string): ErrorDefinition {
  return Object.freeze({ status, code, kind, message, doc });
}

export const ERRORS = Object.freeze({
  OVT_ERR_AUTH_MISSING_KEY: def(
    401,
    "missing_api_key",
    "authentication",
    "No API key provided. Send it as 'Authorization: Bearer <key>'.",
    "The request carried no Authorization (or x-api-key) header.",
  ),
  OVT_ERR_AUTH_INVALID_KEY_FORMAT: def(
    401,
    "invalid_api_key",
    "authentication",
    "Invalid API key format.",
    "The credential is not an Overt virtual key (ovt_ + 43 base62 characters + checksum).",
  ),
  OVT_ERR_AUTH_INVALID_KEY: def(
    401,
    "invalid_api_key",
    "authentication",
    "Invalid or revoked API key.",
    "The key is well formed but unknown or revoked; the two are not told apart.",
  ),
  OVT_ERR_AUTH_KEY_EXPIRED: def(
    401,
    "key_expired",
    "authentication",
    "API key expired at {expiredAt}.",
    "The key passed its expiry time; create a new one.",
  ),
  OVT_ERR_AUTH_AMBIGUOUS_CREDENTIALS: def(
    400,
    "ambiguous_credentials",
    "invalid_request",
    "The request carries two different API keys (Authorization and {header}); send one.",
    "Authorization and x-api-key/api-key headers disagree; the relay will not guess which to bill.",
  ),
  OVT_ERR_AUTH_MODEL_NOT_ALLOWED: def(
    403,
    "model_not_allowed",
    "permission",
    "Key is not permitted to use model {model}.",
    "The key's model scope does not include the requested model.",
  ),
  OVT_ERR_REQ_INVALID_JSON: def(
    400,
    "invalid_json",
    "invalid_request",
    "Request body is not valid JSON: {detail}",
    "The body could not be parsed as JSON, starts with a byte-order mark, or is not sent as application/json.",
  ),
  OVT_ERR_REQ_BODY_TOO_LARGE: def(
    413,
    "body_too_large",
    "too_large",
    "Request body exceeds the limit of {limit} bytes.",
    "The body is larger than server.bodyLimitBytes (default 32 MiB); reading stops at the limit.",
  ),
  OVT_ERR_REQ_TOO_DEEP: def(
    400,
    "invalid_request",
    "invalid_request",
    "Nesting too deep (max {max}).",
    "The JSON body nests objects/arrays deeper than the relay accepts.",
  ),
  OVT_ERR_REQ_INVALID_FIELD: def(
    400,
    "invalid_request",
    "invalid_request",
    "{detail}",
    "A field has the wrong type or is out of bounds; `param` names the field.",
  ),
  OVT_ERR_REQ_MISSING_FIELD: def(
    400,
    "missing_required_parameter",
    "invalid_request",
    "Missing required parameter: {param}.",
    "A required field is absent; `param` names it.",
  ),
  OVT_ERR_REQ_FORBIDDEN_PARAMETER: def(
    400,
    "forbidden_parameter",
    "invalid_request",
    "Parameter {param} is not accepted: upstream routing and credentials come only from the relay's configuration.",
    "Routing or credential overrides in the body (api_base, base_url, api_key, ...) are refused.",
  ),
  OVT_ERR_REQ_INVALID_HEADER: def(
    400,
    "invalid_header_value",
    "invalid_request",
    "Header {header} contains characters that are not allowed.",
    "A header meant for the upstream contains CR, LF or NUL.",
  ),
  OVT_ERR_GUARD_BLOCKED: def(
    422,
    "sensitive_data_blocked",
    "invalid_request",
    "Request contains {what} (type: {kind}) at {path}; {policy} does not let it reach upstreams in {destination}. Nothing was sent.",
    "The data-protection guard found a secret or personal data that the tenant's policy blocks for every upstream that could serve the model. The message names the data class, the field and the rule, never the value; `param` is the field path.",
  ),
  OVT_ERR_GUARD_JURISDICTION: def(
    403,
    "jurisdiction_not_allowed",
    "permission",
    "No upstream serving model {model} is in a jurisdiction allowed by {policy} ({allowed}). Nothing was sent.",
    "The tenant may only use upstreams in the listed jurisdictions (`allowedJurisdictions`), and none of the model's deployments is there. Routing fails closed.",
  ),
  OVT_ERR_GUARD_TOO_LARGE: def(
    413,
    "guard_scan_too_large",
    "too_large",
    "Request carries more text than the data-protection guard scans ({limit} characters), so it was not sent.",
    "Every text a request carries is scanned before it leaves; beyond `guard.maxScanChars` the relay refuses the request rather than forward unscanned text (catalogue H1).",
  ),
  OVT_ERR_RECEIPT_NOT_FOUND: def(
    404,
    "receipt_not_found",
    "not_found",
    "No receipt {id} for this key.",
    "Receipts are returned only to the key that made the request; another key's receipt is reported as not found.",
  ),
  OVT_ERR_RECEIPT_NOT_INTEGRATED: def(
    409,
    "receipt_not_integrated",
    "not_found",
    "The receipt is not final or not in a signed checkpoint yet; retry in {seconds} s.",
    "A receipt is final once the response's last byte has been written (a client may read that byte a moment earlier), and integrated into the log within the published maximum merge delay (1 s by default); the proof exists from then on. `Retry-After` says when to ask again.",
  ),
  OVT_ERR_LOG_NOT_READY: def(
    503,
    "log_not_ready",
    "overloaded",
    "The transparency log has no signed checkpoint yet.",
    "The first checkpoint is signed within a second of the first start.",
  ),
  OVT_ERR_LOG_TILE_NOT_FOUND: def(
    404,
    "tile_not_found",
    "not_found",
    "No tile at {path}.",
    "The path is not a canonical c2sp.org/tlog-tiles path, or the tile is beyond the latest signed checkpoint.",
  ),
  OVT_ERR_TRANSLATE_UNSUPPORTED: def(
    400,
    "unsupported_by_upstream",
    "invalid_request",
    "{feature} cannot be translated for the upstream serving this model: {detail}",
    "The request uses something the upstream's dialect has no equivalent for (e.g. a PDF document or a server tool sent to an OpenAI-dialect upstream); the relay refuses rather than drop it. `param` names the field.",
  ),
  OVT_ERR_TRANSLATE_TOOL_ARGUMENTS: def(
    502,
    "invalid_tool_arguments",
    "upstream",
    "The model's arguments for tool call {id} are not a JSON object, so they cannot be returned as tool input.",
    "A translated non-streaming response carried tool-call arguments that do not parse as a JSON object, which the client's dialect requires.",
  ),
  OVT_ERR_ROUTE_MODEL_NOT_FOUND: def(
    404,
    "model_not_found",
    "not_found",
    "Model {model} is not available on this relay.",
    "No route serves that model name (names match exactly: no case folding or trimming).",
  ),
  OVT_ERR_ROUTE_NOT_FOUND: def(
    404,
    "not_found",
    "not_found",
    "No route for {method} {path}.",
    "The path does not exist on this relay.",
  ),
  OVT_ERR_UPSTREAM_RATE_LIMITED: def(
    429,
    "upstream_rate_limited",
    "rate_limit",
    "The upstream provider rate-limited this request; retry after the indicated delay.",
    "Every deployment for the model answered 429; Retry-After is passed on when the upstream sent one.",
  ),
  OVT_ERR_UPSTREAM_ERROR: def(
    502,
    "upstream_error",
    "upstream",
    "The upstream provider {provider} failed (HTTP {status}).",
    "Every deployment failed with a server error before any byte was sent.",
  ),
  OVT_ERR_UPSTREAM_REJECTED: def(
    400,
    "upstream_rejected",
    "invalid_request",
    "The upstream provider {provider} rejected the request: {detail}",
    "The upstream answered 4xx (other than 401/403/429); its message is passed on, scrubbed of account ids and secrets.",
  ),
  OVT_ERR_UPSTREAM_AUTH: def(
    502,
    "upstream_auth_failed",
    "upstream",
    "The relay's credentials for {provider} were refused; the operator must fix them.",
    "The upstream answered 401/403 to the relay's own provider key.",
  ),
  OVT_ERR_UPSTREAM_TIMEOUT: def(
    504,
    "upstream_timeout",
    "timeout",
    "No data from upstream {provider} for {seconds} s.",
    "Connecting, the first byte or the gap between stream events exceeded its timeout.",
  ),
  OVT_ERR_UPSTREAM_UNREACHABLE: def(
    502,
    "upstream_unreachable",
    "upstream",
    "The upstream provider {provider} could not be reached.",
    "DNS, TCP or TLS failure, or the resolved address is not allowed by the egress policy.",
  ),
  OVT_ERR_UPSTREAM_INVALID_RESPONSE: def(
    502,
    "upstream_invalid_response",
    "upstream",
    "Upstream {provider} returned an invalid response ({detail}).",
    "The upstream answered with non-JSON (e.g. an HTML challenge page) or an unexpected shape.",
  ),
  OVT_ERR_UPSTREAM_REDIRECT_BLOCKED: def(
    502,
    "upstream_redirect_blocked",
    "upstream",
    "Upstream {provider} answered with a redirect; redirects are never followed.",
    "Following a redirect would carry the provider key to another origin.",
  ),
  OVT_ERR_UPSTREAM_RESPONSE_TOO_LARGE: def(
    502,
    "upstream_response_too_large",
    "upstream",
    "Upstream {provider} response exceeds {limit} bytes.",
    "The upstream body passed transport.maxResponseBytes.",
  ),
  OVT_ERR_UPSTREAM_DISCONNECTED: def(
    502,
    "upstream_disconnected",
    "upstream",
    "Upstream {provider} closed the stream before it finished.",
    "Sent in-stream: the upstream connection ended without its terminal event. Usage is settled as partial.",
  ),
  OVT_ERR_UPSTREAM_PROTOCOL: def(
    502,
    "upstream_protocol_error",
    "upstream",
    "Upstream {provider} sent a malformed stream event.",
    "Sent in-stream: an SSE event carried invalid JSON. Usage is settled as partial.",
  ),
  OVT_ERR_UPSTREAM_OVERLOADED: def(
    529,
    "upstream_overloaded",
    "overloaded",
    "Upstream {provider} is overloaded; retry shortly.",
    "The upstream said it is overloaded (HTTP 529, or an overloaded error mid-stream); clients should back off and retry.",
  ),
  OVT_ERR_UPSTREAM_STREAM_ERROR: def(
    502,
    "upstream_stream_error",
    "upstream",
    "Upstream {provider} reported an error mid-stream: {detail}",
    "Sent in-stream: the upstream emitted an error event after the stream started.",
  ),
  OVT_ERR_UPSTREAM_ABORTED: def(
    502,
    "upstream_aborted",
    "upstream",
    "Upstream {provider} stopped generating: {detail}",
    "The upstream ended its output with an error finish reason (e.g. DeepSeek's insufficient_system_resource); the partial output is not passed off as complete.",
  ),
  OVT_ERR_ADMIN_UNAUTHORIZED: def(
    401,
    "admin_unauthorized",
    "authentication",
    "Admin authentication required.",
    "Admin routes need 'Authorization: Bearer <admin token>'; the first admin token is obtained with the setup token.",
  ),
  OVT_ERR_ADMIN_SETUP_INVALID: def(
    401,
    "invalid_setup_token",
    "authentication",
    "Invalid or already used setup token.",
    "The one-time setup token printed at first start is wrong or was already exchanged.",
  ),
  OVT_ERR_ADMIN_NOT_FOUND: def(
    404,
    "not_found",
    "not_found",
    "No {thing} with id {id}.",
    "The admin resource does not exist.",
  ),
  OVT_ERR_CAPTURE_SHREDDED: def(
    410,
    "capture_shredded",
    "not_found",
    "Capture {id} was crypto-shredded: its tenant's data key was destroyed, so the content can never be read again.",
    "The tenant was shredded (`overt tenants shred`, `POST /admin/tenants/{id}/shred`) after this capture was written.",
  ),
  OVT_ERR_CAPTURE_UNREADABLE: def(
    500,
    "capture_unreadable",
    "internal",
    "Capture {id} cannot be decrypted: {reason}.",
    "The stored ciphertext was altered or moved to another row or tenant, or its data key is wrapped by a master key this relay was not given (see docs/OPERATIONS.md, master-key rotation).",
  ),
  OVT_ERR_STORAGE_BUSY: def(
    503,
    "storage_busy",
    "overloaded",
    "The relay's storage is busy; retry shortly.",
    "The database stayed locked past the retry budget.",
  ),
  OVT_ERR_RELAY_INTERNAL: def(
    500,
    "internal_error",
    "internal",
    "Internal relay error (request {requestId}).",
    "An unexpected failure; the log has details under the request id, never the prompt.",
  ),
});

export type ErrorName = keyof typeof ERRORS;
