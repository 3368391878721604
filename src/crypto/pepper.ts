/**
 * The server pepper for key digests (DESIGN §5). From configuration when given
 * (required with PostgreSQL, so every node derives the same digests); otherwise
 * 32 random bytes kept in <dataDir>/key-pepper with mode 0600.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Secret } from "../config/secret.js";

export function loadPepper(configured: Secret | null, dataDir: string): Buffer {
  if (configured !== null) return Buffer.from(configured.reveal(), "utf8");
  const path = join(dataDir, "key-pepper");
  if (existsSync(path)) {
    const hex = readFileSync(path, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, "hex");
    throw new Error(
      `${path} is not a 64-hex-digit pepper; restore it from backup (every key digest depends on it)`,
    );
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pepper = randomBytes(32);
  try {
    writeFileSync(path, `${pepper.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (the CLI, a second server) created it first: use theirs.
    if ((error as { code?: unknown }).code === "EEXIST") return loadPepper(null, dataDir);
    throw error;
  }
  chmodSync(path, 0o600);
  return pepper;
}
