/**
 * SigV4 verification for the Bedrock simulator: parses the Authorization
 * header, recomputes the signature with the configured secret over the
 * request as received (sigv4.ts signatureParts) and compares. Failures are the
 * JSON errors Bedrock sends: 403 UnrecognizedClientException for an unknown or
 * missing key id, 403 InvalidSignatureException for a wrong signature or body hash.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { sha256Hex, signatureParts } from "../../bedrock/sigv4.js";

export interface BedrockSimulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface BedrockErrorReply {
  status: number;
  type: string;
  message: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const UNRECOGNIZED: BedrockErrorReply = {
  status: 403,
  type: "UnrecognizedClientException",
  message: "The security token included in the request is invalid.",
};
const INVALID: BedrockErrorReply = {
  status: 403,
  type: "InvalidSignatureException",
  message:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
};

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Null when the request is signed with `credentials`; else the error to answer. */
export function verifySigV4(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  credentials: BedrockSimulatorCredentials,
): BedrockErrorReply | null {
  const match = AUTH.exec(one(headers.authorization) ?? "");
  if (!match) return { ...UNRECOGNIZED, message: "Missing Authentication Token" };
  const [, keyId = "", day = "", region = "", service = "", signedNames = "", signature = ""] = match;
  if (keyId !== credentials.accessKeyId) return UNRECOGNIZED;
  if (
    credentials.sessionToken !== undefined &&
    one(headers["x-amz-security-token"]) !== credentials.sessionToken
  ) {
    return UNRECOGNIZED;
  }
  const date = one(headers["x-amz-date"]) ?? "";
  if (!date.startsWith(day)) return INVALID;
  const hash = one(headers["x-amz-content-sha256"]);
  if (hash !== undefined && hash !== sha256Hex(body)) return INVALID;
  const names = signedNames.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return INVALID;
  const signed: Record<string, string> = {};
  for (const name of names) {
    const value = one(headers[name]);
    if (value === undefined) return INVALID;
    signed[name] = value;
  }
  const url = new URL(path, `http://${signed.host}`);
  const parts = signatureParts(
    {
      method,
      url,
      headers: signed,
      body,
      region,
      service,
      accessKeyId: keyId,
      secretAccessKey: credentials.secretAccessKey,
    },
    signed,
    date,
  );
  const ok = timingSafeEqual(Buffer.from(parts.signature), Buffer.from(signature));
  return ok ? null : INVALID;
}
