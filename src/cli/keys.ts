/** `overt keys create|list|revoke`: work on the database directly; a running server sees changes on its next request. */
import { expiryFrom, publicKeyView } from "../admin/routes.js";
import { isOvertError } from "../errors/overt-error.js";
import { openCore } from "../main.js";
import { buildCatalogue } from "../routing/catalogue.js";
import { simulatorProvider } from "../upstreams/simulator/provider.js";
import { fail, loadConfigOrExit } from "./load.js";

interface CommonOptions {
  config?: string;
  json?: boolean;
}

export interface CreateOptions extends CommonOptions {
  name: string;
  models?: string;
  expires?: string;
  tenant?: string;
}

export async function createKey(options: CreateOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const models = (options.models ?? "*")
      .split(",")
      .map((m) => m.trim())
      .filter((m) => m.length > 0);
    const expiresAt = expiryFrom(options.expires, undefined, Date.now());
    const providers = config.simulator
      ? [...config.providers, simulatorProvider("http://127.0.0.1/v1")]
      : config.providers;
    const catalogue = buildCatalogue(config, providers);
    const unknown = models.filter((m) => m !== "*" && catalogue.resolve(m) === undefined);
    const created = await core.keys.create({
      name: options.name,
      models,
      expiresAt,
      tenantId: options.tenant,
      actor: "cli",
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ key: created.key, ...publicKeyView(created.record) })}\n`);
    } else {
      process.stdout.write(
        `${created.key}\n\nKey ${created.record.id} "${created.record.name}" for ${models.join(", ")}` +
          `${expiresAt === null ? "" : `, expires ${new Date(expiresAt).toISOString()}`}.\n` +
          "Shown once: only its digest is stored.\n",
      );
    }
    if (unknown.length > 0) {
      process.stderr.write(`warning: no route serves ${unknown.join(", ")} in the current configuration\n`);
    }
  } catch (error) {
    if (isOvertError(error)) fail(error.message.replace("expires_in must", "--expires must"));
    throw error;
  } finally {
    await core.storage.close();
  }
}

export async function listKeys(options: CommonOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const keys = (await core.keys.list()).map(publicKeyView);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      return;
    }
    if (keys.length === 0) {
      process.stdout.write("No keys.\n");
      return;
    }
    for (const k of keys) {
      const expired = k.expires_at !== null && Date.parse(k.expires_at) <= Date.now();
      const state =
        k.revoked_at !== null
          ? `revoked ${k.revoked_at}`
          : expired
            ? `expired ${k.expires_at}`
            : k.expires_at !== null
              ? `expires ${k.expires_at}`
              : "active";
      process.stdout.write(`${k.id}  ${k.prefix}  ${k.name}  [${k.models.join(",")}]  ${state}\n`);
    }
  } finally {
    await core.storage.close();
  }
}

export async function revokeKey(id: string, options: CommonOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  const core = await openCore(config);
  try {
    const revoked = await core.keys.revoke(id, "cli");
    if (!revoked) fail(`no active key with id ${id}`);
    process.stdout.write(options.json ? `${JSON.stringify({ id, revoked: true })}\n` : `Revoked ${id}.\n`);
  } finally {
    await core.storage.close();
  }
}
