/**
 * AWS Signature Version 4 for header-signed requests
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
 * with node:crypto only:
 *
 * 1. canonical request = method \n canonical URI \n canonical query \n
 *    canonical headers \n signed header names \n hex(sha256(body));
 * 2. string to sign = "AWS4-HMAC-SHA256" \n amzDate \n scope \n hex(sha256(canonical request)),
 *    scope = yyyymmdd/region/service/aws4_request;
 * 3. signing key = HMAC chain "AWS4"+secret → date → region → service → "aws4_request";
 * 4. Authorization: AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=…, Signature=hex.
 *
 * Canonical URI: every path segment of the URL as it is sent (already
 * percent-encoded once) is URI-encoded again, as every AWS service but S3
 * expects and as @smithy/signature-v4 does by default — so a Bedrock model id
 * `anthropic.claude-v2:1`, sent as `…/model/anthropic.claude-v2%3A1/converse`,
 * is signed as `…claude-v2%253A1…`.
 * Signed headers: host, every header the caller passes (lower-cased, values
 * trimmed and inner whitespace folded) except user-agent, and the x-amz-*
 * headers added here.
 */
import { createHash, createHmac } from "node:crypto";

export interface SignInput {
  method: string;
  url: URL;
  /** Headers that will be sent (and signed); `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  now?: Date;
  /** Send and sign `x-amz-content-sha256` (default true; AWS's own test suite vectors sign without it). */
  contentSha256Header?: boolean;
}

/** Headers never signed: proxies and clients may change them in flight. */
const UNSIGNED = new Set(["user-agent", "authorization", "content-length", "expect", "connection"]);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - . _ ~). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalUri(pathname: string): string {
  if (pathname === "" || pathname === "/") return "/";
  return pathname
    .split("/")
    .map((segment) => uriEncode(segment))
    .join("/");
}

export function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** `20150830T123600Z` */
export function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

export interface SignatureParts {
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
}

/** Computes every step for `input` with the x-amz headers already in `headers`. */
export function signatureParts(
  input: SignInput,
  headers: Record<string, string>,
  date: string,
): SignatureParts {
  const canonical = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (UNSIGNED.has(key)) continue;
    canonical.set(key, value.trim().replace(/\s+/g, " "));
  }
  if (!canonical.has("host")) canonical.set("host", input.url.host);
  const names = [...canonical.keys()].sort();
  const signedHeaders = names.join(";");
  const payloadHash = headers["x-amz-content-sha256"] ?? sha256Hex(input.body);
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(input.url.pathname),
    canonicalQuery(input.url.searchParams),
    `${names.map((n) => `${n}:${canonical.get(n) ?? ""}`).join("\n")}\n`,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = signingKey(input.secretAccessKey, date.slice(0, 8), input.region, input.service);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  return { canonicalRequest, stringToSign, signedHeaders, signature };
}

/** The headers to add to the request: x-amz-date, x-amz-content-sha256, x-amz-security-token (if any), authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const date = amzDate(input.now ?? new Date());
  const added: Record<string, string> = { "x-amz-date": date };
  if (input.contentSha256Header !== false) added["x-amz-content-sha256"] = sha256Hex(input.body);
  if (input.sessionToken) added["x-amz-security-token"] = input.sessionToken;
  const parts = signatureParts(input, { ...input.headers, ...added }, date);
  const scope = `${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  added.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, ` +
    `SignedHeaders=${parts.signedHeaders}, Signature=${parts.signature}`;
  return added;
}
