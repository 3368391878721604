#!/usr/bin/env node
/** The `overt` command line. */
import { Command, Option } from "commander";
import { createKey, listKeys, revokeKey } from "./keys.js";
import { logAudit } from "./log-audit.js";
import { rotateLogSigningKey } from "./log-key.js";
import { generateMaster, rotateMaster } from "./master-key.js";
import { crossBorder } from "./report.js";
import { sealSecret } from "./secrets.js";
import { serve } from "./serve.js";
import { shredTenant } from "./tenants.js";
import { usage } from "./usage.js";
import { USAGE_EXIT, verify } from "./verify.js";

const program = new Command();
program.name("overt").description("Overt: the AI relay with nothing to hide").version("0.1.0");

program
  .command("serve")
  .description("run the relay (SQLite under ./data by default)")
  .option("-c, --config <file>", "configuration file (default: $OVERT_CONFIG or ./overt.yaml)")
  .option("--host <host>", "address to listen on")
  .option("--port <port>", "port to listen on")
  .action(serve);

const keys = program.command("keys").description("manage virtual keys");
keys
  .command("create")
  .description("create a virtual key; it is printed once")
  .requiredOption("--name <name>", "a label for the key")
  .option("--models <list>", "comma-separated public model names, or * for all", "*")
  .option("--expires <duration>", "lifetime such as 30d, 12h")
  .option("--tenant <id>", "tenant id", undefined)
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(createKey);
keys
  .command("list")
  .description("list keys (prefixes only; keys are never stored)")
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(listKeys);
keys
  .command("revoke <id>")
  .description("revoke a key; effective on the next request")
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(revokeKey);
keys
  .command("rotate-master")
  .description("re-wrap every tenant data key under the active master key (content is not re-encrypted)")
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(rotateMaster);
keys
  .command("generate-master")
  .description("write a new random master key to a file (mode 0600) for rotation")
  .requiredOption("--out <file>", "where to write it; an existing file is never overwritten")
  .action(generateMaster);

program
  .command("tenants")
  .description("manage tenants")
  .command("shred <tenant-id>")
  .description("crypto-shred a tenant: destroy its data keys and delete its captured content")
  .option("--yes", "confirm: the content cannot be recovered afterwards")
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(shredTenant);

program
  .command("secrets")
  .description("configuration secrets")
  .command("seal")
  .description("read a secret from stdin and print it sealed under the master key (sealed:v1:…)")
  .option("-c, --config <file>", "configuration file")
  .action(sealSecret);

program
  .command("usage")
  .description("summarise the usage ledger")
  .option("--since <when>", "1d, 12h, 30m or an ISO date", "1d")
  .option("--by <group>", "key | model | provider")
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(usage);

program
  .command("report")
  .description("compliance reports")
  .command("cross-border")
  .description("requests sent outside the home jurisdiction, per destination and data class")
  .option("--from <date>", "start date (inclusive), e.g. 2026-01-01; default: 1 January this year")
  .option("--to <date>", "end date (inclusive), e.g. 2026-12-31; default: now")
  .option("--tenant <id>", "one tenant only")
  .option("--json", "machine-readable output")
  .option("--csv", "CSV output")
  .option("-c, --config <file>", "configuration file")
  .action(crossBorder);

const repeat = (value: string, previous: string[]) => [...previous, value];
/** Usage errors of the verifiers exit 2 (1 means a check failed). */
const usageExit = (error: { exitCode: number }) => process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);

program
  .command("verify <receipt>")
  .description("check a receipt offline: signature, your own bytes, inclusion under a signed checkpoint")
  .addOption(
    new Option("--vkey <vkey>", "the log's verifier key (repeatable; from /.well-known/overt.json)")
      .argParser(repeat)
      .default([]),
  )
  .option("--origin <origin>", "the log's origin (default: the keys' name)")
  .option("--proof <file>", "the receipt's tlog-proof (GET /v1/receipts/{id}/proof)")
  .option("--body <file>", "the request body you sent, byte for byte")
  .option(
    "--response <file>",
    "the response body you received, byte for byte (for streams, every event byte)",
  )
  .option("--blind <hex>", "the overt-receipt-blind response header")
  .option("--checkpoint <file>", "a newer signed checkpoint (GET /log/checkpoint)")
  .option("--old-checkpoint <file>", "an earlier signed checkpoint to prove consistent with the newer one")
  .option(
    "--consistency <file>",
    "consistency proof from the earlier to the newer checkpoint (base64 hashes, one per line)",
  )
  .option("--json", "machine-readable output")
  .exitOverride(usageExit)
  .action(verify);

const log = program.command("log").description("the transparency log");
log
  .command("audit <url>")
  .description(
    "verify a relay's log: signed checkpoint, consistency with the last one seen, entries, policy history",
  )
  .option("--state <file>", "where to keep what was seen (default ~/.overt/audit/<origin>.json)")
  .option("--accept-keys", "trust the verifier keys the relay now publishes (after a confirmed rotation)")
  .option("--json", "machine-readable output")
  .exitOverride(usageExit)
  .action(logAudit);
log
  .command("rotate-key")
  .description(
    "a new signing key for this relay's log; earlier keys stay published, old receipts still verify",
  )
  .option("--json", "machine-readable output")
  .option("-c, --config <file>", "configuration file")
  .action(rotateLogSigningKey);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`overt: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
