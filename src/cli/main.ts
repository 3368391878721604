#!/usr/bin/env node
/** The `overt` command line. */
import { Command } from "commander";
import { createKey, listKeys, revokeKey } from "./keys.js";
import { generateMaster, rotateMaster } from "./master-key.js";
import { crossBorder } from "./report.js";
import { sealSecret } from "./secrets.js";
import { serve } from "./serve.js";
import { shredTenant } from "./tenants.js";
import { usage } from "./usage.js";

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

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`overt: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
