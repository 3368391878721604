/**
 * DESIGN §3 dependency rules, enforced by parsing every TypeScript file under
 * src/ with the TypeScript parser (so multi-line imports, `import type`,
 * `export … from`, dynamic `import()` and comments are all handled exactly).
 * The compiled test runs from the repository root: paths are relative to cwd.
 *
 * The self-tests at the bottom feed small synthetic files through the same
 * scanner and rules, so a rule that silently matches nothing fails here too.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const SRC = resolve(process.cwd(), "src");

const PROVIDER_IDS = [
  "openai",
  "deepseek",
  "qwen",
  "zhipu",
  "moonshot",
  "minimax",
  "siliconflow",
  "openrouter",
  "anthropic",
] as const;
/**
 * Adapter folders DESIGN §3 names under upstreams/ (openai/, anthropic/, …).
 * They are wire-dialect adapters, not providers, so `upstreams/openai/…` in an
 * import path is not a provider name. Delete an entry to make that a violation.
 */
const ADAPTER_FOLDERS = new Set(["openai", "anthropic", "gemini", "azure", "bedrock", "compat"]);
const DOMAIN_FOLDERS = ["governance", "routing", "accounting", "pipeline", "guard"];
const STORAGE_PACKAGES = new Set(["better-sqlite3", "better-sqlite3-napi", "pg", "kysely"]);
const STORAGE_PORTS = "storage/ports.ts";
const LINE_TARGET = 300;
const LINE_CEILING = 400;

type Target =
  | { kind: "src"; path: string }
  | { kind: "outside"; path: string }
  | { kind: "package"; name: string };

interface ImportRef {
  line: number;
  spec: string;
  typeOnly: boolean;
  bindings: string[];
  target: Target;
}

interface SourceInfo {
  /** Path relative to src/, posix separators, e.g. "pipeline/relay-sse.ts". */
  path: string;
  lines: number;
  imports: ImportRef[];
  strings: { value: string; line: number }[];
  anyLines: number[];
  consoleLogLines: number[];
}

function packageName(spec: string): string {
  if (spec.startsWith("node:")) return spec;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function resolveTarget(fromPath: string, spec: string): Target {
  if (!spec.startsWith(".") && !spec.startsWith("/")) return { kind: "package", name: packageName(spec) };
  const joined = posix.normalize(posix.join(posix.dirname(fromPath), spec)).replace(/\.js$/, ".ts");
  return joined.startsWith("../") ? { kind: "outside", path: joined } : { kind: "src", path: joined };
}

function allTypeOnly(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((e) => e.isTypeOnly);
}

/** Parses one file's text; `path` is relative to src/. */
function scan(path: string, text: string): SourceInfo {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const info: SourceInfo = {
    path,
    lines: text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length,
    imports: [],
    strings: [],
    anyLines: [],
    consoleLogLines: [],
  };
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const add = (node: ts.Node, spec: string, typeOnly: boolean, bindings: string[]) =>
    info.imports.push({ line: lineOf(node), spec, typeOnly, bindings, target: resolveTarget(path, spec) });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const bindings: string[] = [];
      if (clause?.name) bindings.push(clause.name.text);
      if (named && ts.isNamespaceImport(named)) bindings.push(named.name.text);
      if (named && ts.isNamedImports(named)) bindings.push(...named.elements.map((e) => e.name.text));
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && named !== undefined && ts.isNamedImports(named) && allTypeOnly(named.elements)));
      add(node, node.moduleSpecifier.text, typeOnly, bindings);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const named = clause && ts.isNamedExports(clause) ? clause : undefined;
      const typeOnly = node.isTypeOnly || (named !== undefined && allTypeOnly(named.elements));
      add(node, node.moduleSpecifier.text, typeOnly, named ? named.elements.map((e) => e.name.text) : []);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly, [node.name.text]);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0]!)
    ) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if (isImport || isRequire) add(node, node.arguments[0].text, false, []);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true, []);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      info.strings.push({ value: node.text, line: lineOf(node) });
    }
    if (node.kind === ts.SyntaxKind.AnyKeyword) info.anyLines.push(lineOf(node));
    const isConsoleLog =
      (ts.isPropertyAccessExpression(node) && node.name.text === "log") ||
      (ts.isElementAccessExpression(node) &&
        ts.isStringLiteral(node.argumentExpression) &&
        node.argumentExpression.text === "log");
    if (isConsoleLog && ts.isIdentifier(node.expression) && node.expression.text === "console") {
      info.consoleLogLines.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return info;
}

function listSources(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...listSources(full, rel));
    else if (name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

// ---------------------------------------------------------------- rules
const folderOf = (path: string) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : "");
const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
const isFastify = (name: string) =>
  name === "fastify" || name.startsWith("@fastify/") || name.startsWith("fastify-");
const where = (f: SourceInfo, line: number) => `src/${f.path}:${line}`;
const describeTarget = (t: Target) => (t.kind === "package" ? `package ${t.name}` : `${t.path}`);

type Rule = (files: readonly SourceInfo[]) => string[];

/** Checks every import of every file in `folder` against `allowed`. */
function importRule(folder: string, allowed: (i: ImportRef) => boolean, why: string): Rule {
  return (files) =>
    files
      .filter((f) => under(f.path, folder))
      .flatMap((f) =>
        f.imports
          .filter((i) => !allowed(i))
          .map((i) => `${where(f, i.line)} imports ${describeTarget(i.target)} ("${i.spec}"): ${why}`),
      );
}

const srcUnder = (i: ImportRef, ...folders: string[]) =>
  i.target.kind === "src" && folders.some((d) => under((i.target as { path: string }).path, d));
const nonFastifyPackage = (i: ImportRef) => i.target.kind === "package" && !isFastify(i.target.name);
const isStorageBackend = (i: ImportRef) =>
  (i.target.kind === "package" && STORAGE_PACKAGES.has(i.target.name)) ||
  (i.target.kind === "src" && under(i.target.path, "storage") && i.target.path !== STORAGE_PORTS);

const irRule = importRule("ir", (i) => srcUnder(i, "ir"), "ir/ imports nothing outside ir/ (no packages)");
const protocolsRule = importRule(
  "protocols",
  (i) => srcUnder(i, "ir", "errors", "protocols") || nonFastifyPackage(i),
  "protocols/ may import only ir/, errors/, protocols/ and non-Fastify packages",
);
const upstreamsRule = importRule(
  "upstreams",
  (i) =>
    srcUnder(i, "ir", "errors", "transport", "upstreams") ||
    (srcUnder(i, "config") && i.typeOnly) ||
    nonFastifyPackage(i),
  "upstreams/ may import only ir/, errors/, transport/, upstreams/, `import type` from config/ and non-Fastify packages",
);
const fastifyRule: Rule = (files) =>
  files
    .filter((f) => !under(f.path, "server") && !under(f.path, "admin"))
    .flatMap((f) =>
      f.imports
        .filter((i) => i.target.kind === "package" && isFastify(i.target.name))
        .map((i) => `${where(f, i.line)} imports "${i.spec}": only server/ and admin/ import Fastify`),
    );
const domainStorageRule: Rule = (files) =>
  files
    .filter((f) => DOMAIN_FOLDERS.includes(folderOf(f.path)))
    .flatMap((f) =>
      f.imports
        .filter(isStorageBackend)
        .map((i) => `${where(f, i.line)} imports "${i.spec}": domain folders use ${STORAGE_PORTS} only`),
    );
const backendImportRule: Rule = (files) =>
  files
    .filter(
      (f) => f.path !== "main.ts" && !under(f.path, "storage") && !DOMAIN_FOLDERS.includes(folderOf(f.path)),
    )
    .flatMap((f) =>
      f.imports
        .filter(isStorageBackend)
        .map(
          (i) => `${where(f, i.line)} imports "${i.spec}": only main.ts and storage/ pick storage backends`,
        ),
    );
const providerNameRule: Rule = (files) => {
  const ids = new Set<string>(PROVIDER_IDS);
  return files
    .filter((f) => !under(f.path, "upstreams") && !under(f.path, "config"))
    .flatMap((f) => [
      ...f.strings
        .filter((s) => ids.has(s.value))
        .map(
          (s) =>
            `${where(f, s.line)} string literal "${s.value}": provider names belong in upstreams/ and config/`,
        ),
      ...f.imports.flatMap((i) => {
        const segments = i.spec.replace(/\.[jt]s$/, "").split("/");
        const named = segments.filter(
          (seg, n) => ids.has(seg) && !(segments[n - 1] === "upstreams" && ADAPTER_FOLDERS.has(seg)),
        );
        const bound = i.bindings.filter((b) => ids.has(b));
        return [...named, ...bound].map(
          (id) =>
            `${where(f, i.line)} import "${i.spec}" names provider ${id}: only upstreams/ and config/ may`,
        );
      }),
    ]);
};
const anyRule: Rule = (files) =>
  files.flatMap((f) => f.anyLines.map((line) => `${where(f, line)} uses \`any\` as a type`));
const consoleLogRule: Rule = (files) =>
  files
    .filter((f) => !under(f.path, "cli") && !under(f.path, "upstreams/simulator"))
    .flatMap((f) =>
      f.consoleLogLines.map((line) => `${where(f, line)} calls console.log (use the pino logger)`),
    );
const ceilingRule: Rule = (files) =>
  files
    .filter((f) => f.lines > LINE_CEILING)
    .map((f) => `src/${f.path} has ${f.lines} lines (hard ceiling ${LINE_CEILING}, target ${LINE_TARGET})`);

function expectClean(rule: Rule, files: readonly SourceInfo[]): void {
  const violations = rule(files);
  assert.deepEqual(violations, [], `\n${violations.join("\n")}\n`);
}

// ---------------------------------------------------------------- the real tree
describe("architecture (DESIGN §3) over src/", () => {
  const files = listSources(SRC).map((p) => scan(p, readFileSync(join(SRC, p), "utf8")));

  it("found the source tree (guards against a vacuous pass)", () => {
    assert.ok(files.length >= 50, `only ${files.length} .ts files under ${SRC}`);
    for (const folder of ["ir", "protocols", "upstreams", "server", "admin", "storage", "pipeline"]) {
      assert.ok(
        files.some((f) => under(f.path, folder)),
        `no files under src/${folder}/`,
      );
    }
    assert.ok(files.reduce((n, f) => n + f.imports.length, 0) >= 100, "suspiciously few imports parsed");
  });

  it("ir/ imports nothing outside ir/ and no packages", () => expectClean(irRule, files));
  it("protocols/ imports only ir/, errors/, its own folder and non-Fastify packages", () =>
    expectClean(protocolsRule, files));
  it("upstreams/ imports only ir/, errors/, transport/, config/ types, its own folder and non-Fastify packages", () =>
    expectClean(upstreamsRule, files));
  it("only server/ and admin/ import Fastify", () => expectClean(fastifyRule, files));
  it("domain folders depend on storage/ports.ts, never on a storage backend", () =>
    expectClean(domainStorageRule, files));
  it("only main.ts and storage/ import storage backends (cli/ goes through main.ts)", () =>
    expectClean(backendImportRule, files));
  it("provider names appear only in upstreams/ and config/", () => expectClean(providerNameRule, files));
  it("no `any` types in src/", () => expectClean(anyRule, files));
  it("no console.log outside cli/ and upstreams/simulator/", () => expectClean(consoleLogRule, files));
  it(`every file is under ${LINE_CEILING} lines (target ${LINE_TARGET})`, (t) => {
    const long = files.filter((f) => f.lines > LINE_TARGET).sort((a, b) => b.lines - a.lines);
    for (const f of long)
      t.diagnostic(`over the ${LINE_TARGET}-line target: src/${f.path} (${f.lines} lines)`);
    expectClean(ceilingRule, files);
  });
});

// ---------------------------------------------------------------- self-tests
describe("architecture checker self-test", () => {
  const fixture = (path: string, text: string) => [scan(path, text)];

  it("parses multi-line, type-only, re-export, dynamic and require imports", () => {
    const [f] = fixture(
      "upstreams/x/a.ts",
      [
        "import {",
        "  a,",
        "  b,",
        '} from "../../config/load.js";',
        'import { type T } from "../../config/types.js";',
        'export * from "../../storage/sqlite.js";',
        'const m = await import("fastify");',
        'type Q = import("kysely").Kysely<never>;',
        'const r = require("pg");',
        '// import { c } from "../../server/app.js";',
      ].join("\n"),
    );
    assert.deepEqual(
      f!.imports.map((i) => [i.line, describeTarget(i.target), i.typeOnly]),
      [
        [1, "config/load.ts", false],
        [5, "config/types.ts", true],
        [6, "storage/sqlite.ts", false],
        [7, "package fastify", false],
        [8, "package kysely", true],
        [9, "package pg", false],
      ],
    );
    assert.equal(upstreamsRule([f!]).length, 3); // config/load (value), storage/sqlite, fastify
  });

  it("each rule flags what it should", () => {
    assert.equal(irRule(fixture("ir/a.ts", 'import { z } from "zod";')).length, 1);
    assert.equal(irRule(fixture("ir/a.ts", 'import type { U } from "./usage.js";')).length, 0);
    assert.equal(protocolsRule(fixture("protocols/x/a.ts", 'import "../../routing/select.js";')).length, 1);
    assert.equal(
      fastifyRule(fixture("main.ts", 'import type { FastifyInstance } from "fastify";')).length,
      1,
    );
    assert.equal(fastifyRule(fixture("server/a.ts", 'import Fastify from "fastify";')).length, 0);
    assert.equal(domainStorageRule(fixture("pipeline/a.ts", 'import pg from "pg";')).length, 1);
    assert.equal(
      domainStorageRule(fixture("routing/a.ts", 'import type { S } from "../storage/ports.js";')).length,
      0,
    );
    assert.equal(backendImportRule(fixture("cli/a.ts", 'import { o } from "../storage/open.js";')).length, 1);
    assert.equal(backendImportRule(fixture("main.ts", 'import { o } from "./storage/open.js";')).length, 0);
  });

  it("provider names: whole string literals and import paths, not comments or substrings", () => {
    const hits = providerNameRule(
      fixture(
        "pipeline/a.ts",
        [
          "// routes to deepseek or qwen",
          'const a = "deepseek";',
          'const b = "openai-chat"; const c = `qwen`;',
          'import { deepseek } from "../upstreams/providers/deepseek.js";',
          'import { adapter } from "../upstreams/openai/adapter.js";',
        ].join("\n"),
      ),
    );
    assert.deepEqual(
      hits.map((h) => h.split(" ")[0]),
      ["src/pipeline/a.ts:2", "src/pipeline/a.ts:3", "src/pipeline/a.ts:4", "src/pipeline/a.ts:4"],
    );
    assert.equal(providerNameRule(fixture("config/a.ts", 'const a = "deepseek";')).length, 0);
  });

  it("any, console.log and the line ceiling", () => {
    const anyHits = anyRule(fixture("x/a.ts", "let a: any; const b = c as any; const d = <any>e; // any"));
    assert.equal(anyHits.length, 3);
    assert.equal(consoleLogRule(fixture("server/a.ts", 'console.log("x"); console.error("y");')).length, 1);
    assert.equal(consoleLogRule(fixture("cli/a.ts", 'console.log("x");')).length, 0);
    assert.equal(ceilingRule(fixture("x/a.ts", "let a = 1;\n".repeat(LINE_CEILING + 1))).length, 1);
    assert.equal(ceilingRule(fixture("x/a.ts", "let a = 1;\n".repeat(LINE_CEILING))).length, 0);
  });
});
