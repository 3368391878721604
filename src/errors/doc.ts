/** Renders docs/ERRORS.md from the registry; a test keeps the committed file identical. */
import { ERRORS } from "./registry.js";

export function renderErrorsMarkdown(): string {
  const lines = [
    "# Errors",
    "",
    "<!-- Generated from src/errors/registry.ts by `npm run docs:errors`; test/unit/errors-doc.test.ts keeps it in sync. -->",
    "",
    "Every error the relay returns comes from one registry. Each answer carries the stable",
    "short code in the `overt-error-code` response header and the request id in `x-request-id`.",
    'OpenAI-dialect routes answer `{"error":{"message","type","param","code"}}`; errors after a',
    "stream has started are sent in-stream as a `data:` event with the same object, and the stream",
    "then closes without `[DONE]`. Messages never carry keys, prompt text, upstream URLs or account ids.",
    "",
    "| Name | HTTP | Code | Message | When |",
    "|---|---|---|---|---|",
  ];
  for (const [name, def] of Object.entries(ERRORS)) {
    const message = def.message.replaceAll("|", "\\|");
    lines.push(
      `| \`${name}\` | ${def.status} | \`${def.code}\` | ${message} | ${def.doc.replaceAll("|", "\\|")} |`,
    );
  }
  lines.push(
    "",
    "`OVT_ERR_UPSTREAM_REJECTED` mirrors the upstream's 4xx status (400, 404, 413, 422…) so clients see",
    "the same class of error they would have seen from the provider.",
    "",
  );
  return lines.join("\n");
}
