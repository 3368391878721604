/** `overt serve`: start the relay, print the banner, shut down cleanly (flushing the ledger) on SIGINT/SIGTERM. */
import { createRelay } from "../main.js";
import { startBanner } from "./banner.js";
import { fail, loadConfigOrExit } from "./load.js";

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: string;
}

export async function serve(options: ServeOptions): Promise<void> {
  const config = await loadConfigOrExit(options.config);
  if (options.host !== undefined) config.server.host = options.host;
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      fail(`--port must be an integer 0-65535, got ${options.port}`);
    config.server.port = port;
  }
  const relay = await createRelay(config);
  const address = await relay.app.listen({ host: config.server.host, port: config.server.port });
  const baseUrl = address.replace("://[::1]", "://localhost");

  const fromEnv = config.security.setupToken?.reveal() ?? null;
  const generated = await relay.adminAuth.prepareSetupToken(fromEnv);
  // A token the operator chose is not echoed back to the terminal (or to whatever collects stdout).
  const setupToken =
    generated === null
      ? null
      : fromEnv === null
        ? generated
        : "(the value of security.setupToken / OVERT_SETUP_TOKEN)";
  let firstKey: { key: string; model: string | null } | null = null;
  if ((await relay.storage.countKeys()) === 0) {
    const created = await relay.keys.create({
      name: "default",
      models: ["*"],
      expiresAt: null,
      actor: "system:first-start",
    });
    firstKey = { key: created.key, model: relay.catalogue.list()[0]?.publicName ?? null };
  }
  process.stdout.write(startBanner(relay, baseUrl, setupToken, firstKey));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    relay.log.info({ signal }, "shutting down");
    relay
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
