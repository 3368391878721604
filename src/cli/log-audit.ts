/**
 * `overt log audit URL [--state FILE] [--accept-keys] [--json]`: audits a
 * relay's transparency log from outside (src/integrity/audit.ts). Fetches only
 * from URL (no redirects, nothing the relay names elsewhere), keeps what it
 * learnt in a state file (default ~/.overt/audit/<origin>.json) and saves it
 * only when the audit passed. Exit 0: consistent; 1: an inconsistency (the
 * served checkpoint is kept next to the state file as evidence); 2: usage.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { type AuditReport, type AuditState, auditLog, type LogSource } from "../integrity/audit.js";

export interface LogAuditOptions {
  state?: string;
  acceptKeys?: boolean;
  json?: boolean;
}

const TIMEOUT_MS = 30_000;
const MAX_BYTES = 64 * 1024 * 1024;

function usageError(message: string): never {
  process.stderr.write(`overt log audit: ${message}\n`);
  process.exit(2);
}

/** GETs under `base` only: paths are resolved inside it, redirects are refused. */
export function httpSource(base: URL): LogSource {
  return {
    async get(path) {
      const url = new URL(path.replace(/^\/+/, ""), base);
      if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname))
        throw new Error(`refusing to fetch ${url.href}: outside ${base.href}`);
      const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`GET ${url.pathname}: HTTP ${response.status}`);
      }
      const length = Number(response.headers.get("content-length") ?? "0");
      if (length > MAX_BYTES) throw new Error(`GET ${url.pathname}: ${length} bytes is too large`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_BYTES) throw new Error(`GET ${url.pathname}: response too large`);
      return bytes;
    },
  };
}

export function sanitiseOrigin(origin: string): string {
  return origin.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200);
}

function readState(path: string): AuditState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    usageError(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as AuditState;
    if (
      state.version !== 1 ||
      typeof state.origin !== "string" ||
      !Array.isArray(state.verifierKeys) ||
      !Number.isSafeInteger(state.size) ||
      typeof state.root !== "string"
    )
      throw new Error("not an overt audit state (version 1)");
    return state;
  } catch (error) {
    usageError(`the state file ${path} is corrupt: ${(error as Error).message}`);
  }
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * The state for `origin`. With the default directory, a log first audited at
 * this URL under another origin is returned instead, so a relay cannot start
 * afresh (new origin, new keys, new history) unnoticed.
 */
function stateLoader(url: string, explicit: string | undefined, dir: string) {
  let used: string | undefined;
  const load = (origin: string): AuditState | undefined => {
    used = explicit ?? join(dir, `${sanitiseOrigin(origin)}.json`);
    const state = readState(used);
    if (state !== undefined || explicit !== undefined) return state;
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      return undefined;
    }
    for (const name of names.sort()) {
      const other = readState(join(dir, name));
      if (other?.url === url && other.origin !== origin) return other;
    }
    return undefined;
  };
  return { load, path: () => used };
}

function render(url: string, report: AuditReport, statePath: string | undefined): string {
  const lines: string[] = [];
  const delay =
    report.maxMergeDelaySeconds === null ? "" : `, max merge delay ${report.maxMergeDelaySeconds} s`;
  lines.push(`Auditing ${url} (log ${report.origin ?? "?"}${delay})`);
  const width = Math.max(...report.findings.map((f) => f.check.length));
  for (const f of report.findings)
    lines.push(`${f.status.padEnd(4)}  ${f.check.padEnd(width)}  ${f.message}`);
  const state = report.state;
  if (state) {
    lines.push("", `Routing policy history (${state.policies.length}):`);
    for (const p of state.policies) {
      lines.push(`  #${p.index}${p.time ? ` ${p.time}` : ""}  ${p.summary}`);
      for (const change of p.changes) lines.push(`      ${change}`);
    }
    const actions = Object.entries(state.admin).sort(([a], [b]) => a.localeCompare(b));
    const total = actions.reduce((sum, [, n]) => sum + n, 0);
    lines.push(
      `Admin actions: ${total}${total > 0 ? ` (${actions.map(([a, n]) => `${a} ${n}`).join(", ")})` : ""}`,
      `Receipts: ${state.receipts}${state.other > 0 ? `; other entries: ${state.other}` : ""}`,
      `Log size ${state.size}; state saved to ${statePath}`,
    );
  } else {
    lines.push(
      `FAILED: ${report.findings
        .filter((f) => f.status === "FAIL")
        .map((f) => f.message)
        .join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export async function logAudit(rawUrl: string, options: LogAuditOptions): Promise<void> {
  let base: URL;
  try {
    base = new URL(rawUrl);
  } catch {
    usageError(`${JSON.stringify(rawUrl)} is not a URL`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") usageError("the URL must be http(s)");
  if (base.search !== "" || base.hash !== "" || base.username !== "" || base.password !== "")
    usageError("the URL must not carry credentials, a query or a fragment");
  if (!base.pathname.endsWith("/")) base.pathname = `${base.pathname}/`;
  const url = base.href;
  const dir = join(homedir(), ".overt", "audit");
  const states = stateLoader(url, options.state, dir);
  const report = await auditLog(httpSource(base), states.load, {
    url,
    acceptKeys: options.acceptKeys ?? false,
  });
  const statePath = states.path() ?? options.state;
  let evidence: string | undefined;
  if (report.state && statePath) writeAtomically(statePath, `${JSON.stringify(report.state, null, 2)}\n`);
  else if (!report.ok && report.served !== null && statePath) {
    // Two signed checkpoints that disagree prove the log misbehaved: keep the one refused.
    evidence = `${statePath}.rejected-checkpoint`;
    writeAtomically(evidence, report.served);
  }
  if (options.json) {
    const { state, ...rest } = report;
    const summary = {
      ...rest,
      policies: state?.policies ?? null,
      admin: state?.admin ?? null,
      receipts: state?.receipts ?? null,
      statePath: state ? statePath : null,
      evidence: evidence ?? null,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(render(url, report, statePath));
    if (evidence) process.stdout.write(`The checkpoint served was kept as evidence in ${evidence}\n`);
  }
  process.exitCode = report.ok ? 0 : 1;
}
