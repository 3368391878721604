/** Reads an upstream body into memory with a byte cap (catalogue D7). */
import { OvertError } from "../errors/overt-error.js";

export class BodyTooLargeError extends Error {}

export async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy?.();
      throw new BodyTooLargeError();
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

export function tooLarge(provider: string, limit: number): OvertError {
  return new OvertError("OVT_ERR_UPSTREAM_RESPONSE_TOO_LARGE", { provider, limit });
}

export function mediaType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? (header[0] ?? "") : (header ?? "");
  return value.split(";")[0]?.trim().toLowerCase() ?? "";
}
