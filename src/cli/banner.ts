/** What `overt serve` prints at start: where it listens, what it serves, and the one-time credentials. */
import type { Relay } from "../main.js";

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

export function curlExample(baseUrl: string, key: string, model: string): string {
  const body = JSON.stringify({ model, messages: [{ role: "user", content: "Hello from Overt" }] });
  return [
    `curl ${baseUrl}/v1/chat/completions \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(body)}`,
  ].join("\n");
}

export function startBanner(
  relay: Relay,
  baseUrl: string,
  setupToken: string | null,
  firstKey: { key: string; model: string | null } | null,
): string {
  const lines: string[] = [`Overt listening on ${baseUrl}`];
  const storage = relay.config.storage;
  lines.push(`  storage:   ${storage.driver === "sqlite" ? `sqlite ${storage.path}` : "postgresql"}`);
  const real = relay.providers.filter((p) => p.id !== "simulator");
  if (real.length === 0) {
    lines.push("  upstreams: the built-in simulator only (loopback, not a real model).");
    lines.push("             Set e.g. DEEPSEEK_API_KEY=... or OPENAI_API_KEY=... to add a real provider.");
  } else {
    lines.push(`  upstreams: ${real.map((p) => `${p.id} (${p.jurisdiction})`).join(", ")}`);
  }
  const models = relay.catalogue.list().map((r) => r.publicName);
  lines.push(
    `  models:    ${models.slice(0, 12).join(", ")}${models.length > 12 ? `, … (${models.length} in all)` : ""}`,
  );
  if (setupToken !== null) {
    lines.push(
      "",
      "Admin setup token (one-time; exchange it for an admin token at POST /admin/setup):",
      `  ${setupToken}`,
    );
  }
  if (firstKey !== null) {
    lines.push("", "First virtual key (shown once; only its digest is stored):", `  ${firstKey.key}`, "");
    if (firstKey.model === null) {
      lines.push(
        "No model is routed yet: list the provider's models (providers.<id>.models or <PREFIX>_MODELS), then try it.",
      );
    } else {
      lines.push("Try it:", curlExample(baseUrl, firstKey.key, firstKey.model));
    }
  }
  return `${lines.join("\n")}\n`;
}
