// Regenerates docs/ERRORS.md from the compiled error registry (run `npm run build` first).
import { writeFileSync } from "node:fs";
import { renderErrorsMarkdown } from "../dist/src/errors/doc.js";

writeFileSync(new URL("../docs/ERRORS.md", import.meta.url), renderErrorsMarkdown());
console.log("docs/ERRORS.md written");
