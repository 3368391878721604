/**
 * Integrity routes (issue 5): the public, read-only transparency log
 * (`/log/checkpoint`, `/log/tile/…`), the relay's published keys
 * (`/.well-known/overt.json`), and receipts read back by the key that made the
 * request (`/v1/receipts/{id}`, `/v1/receipts/{id}/proof`).
 */
import type { FastifyInstance } from "fastify";
import { OvertError } from "../errors/overt-error.js";
import { extractCredential } from "../governance/credentials.js";
import type { KeyService } from "../governance/keys.js";
import type { LogService } from "../integrity/log-service.js";
import type { ReceiptReader, ReceiptService } from "../integrity/receipt-service.js";

export interface IntegrityDeps {
  receipts: ReceiptService;
  log: LogService;
  store: ReceiptReader;
  signedReceipts: boolean;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

export function registerIntegrityRoutes(app: FastifyInstance, deps: IntegrityDeps, keys: KeyService): void {
  app.get("/.well-known/overt.json", async (_request, reply) => {
    reply.header("cache-control", "public, max-age=300");
    return deps.log.wellKnown({ signedReceipts: deps.signedReceipts });
  });

  app.get("/log/checkpoint", async (_request, reply) => {
    const checkpoint = await deps.log.checkpoint();
    if (!checkpoint) throw new OvertError("OVT_ERR_LOG_NOT_READY");
    reply.header("content-type", "text/plain; charset=utf-8").header("cache-control", "no-store");
    return checkpoint.note;
  });

  app.get("/log/tile/*", async (request, reply) => {
    const rest = (request.params as { "*": string })["*"];
    const tile = await deps.log.tile(`tile/${rest}`);
    if (tile === null)
      throw new OvertError("OVT_ERR_LOG_TILE_NOT_FOUND", { path: `tile/${rest}`.slice(0, 120) });
    reply.header("content-type", "application/octet-stream").header("cache-control", IMMUTABLE);
    return tile;
  });

  const receiptFor = async (request: {
    headers: Record<string, string | string[] | undefined>;
    params: unknown;
  }) => {
    const key = await keys.authenticate(extractCredential(request.headers));
    const id = (request.params as { id: string }).id;
    const receipt = await deps.receipts.get(deps.store, id, key.id);
    if (!receipt) throw new OvertError("OVT_ERR_RECEIPT_NOT_FOUND", { id: id.slice(0, 80) });
    if ("inFlight" in receipt) {
      // The response is still being written (the client may read its last byte a moment before).
      throw new OvertError(
        "OVT_ERR_RECEIPT_NOT_INTEGRATED",
        { seconds: 1 },
        { headers: { "retry-after": "1" } },
      );
    }
    return receipt;
  };

  app.get("/v1/receipts/:id", async (request, reply) => {
    const receipt = await receiptFor(request);
    reply.header("content-type", "text/plain; charset=utf-8");
    if (receipt.index !== null) reply.header("overt-log-index", String(receipt.index));
    return receipt.text;
  });

  app.get("/v1/receipts/:id/proof", async (request, reply) => {
    const receipt = await receiptFor(request);
    const proof = receipt.index === null ? null : await deps.log.proof(receipt.index);
    if (proof === null) {
      throw new OvertError(
        "OVT_ERR_RECEIPT_NOT_INTEGRATED",
        { seconds: 1 },
        { headers: { "retry-after": "1" } },
      );
    }
    reply.header("content-type", "text/plain; charset=utf-8");
    return proof;
  });
}
