/**
 * `overt secrets seal`: reads one secret from stdin and prints it sealed under
 * the master key (crypto/sealed-value.ts), to paste into overt.yaml as a
 * provider's apiKey. The secret is never echoed or written anywhere else.
 */
import { sealValue } from "../crypto/sealed-value.js";
import { openMasterKeys } from "../main.js";
import { fail, loadConfigOrExit } from "./load.js";

const MAX_SECRET_BYTES = 64 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), "utf8");
    size += buf.length;
    if (size > MAX_SECRET_BYTES) fail("the secret on stdin is larger than 64 KiB");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function sealSecret(options: { config?: string }): Promise<void> {
  if (process.stdin.isTTY) process.stderr.write("Paste the secret, then press Ctrl-D:\n");
  // One trailing newline is what `echo` or a terminal adds; it is not part of the secret.
  const secret = (await readStdin()).replace(/\r?\n$/, "");
  if (secret.trim() === "") fail("no secret on stdin");
  const config = await loadConfigOrExit(options.config);
  const keys = openMasterKeys(config);
  process.stdout.write(`${sealValue(keys, secret)}\n`);
  if (keys.generatedAt !== null) {
    process.stderr.write(
      `note: generated a master key in ${keys.generatedAt}; back it up with the database\n`,
    );
  }
}
