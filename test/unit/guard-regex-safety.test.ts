/**
 * Security catalogue H5 (conservative static heuristic): every regex literal
 * under src/ is parsed with the TypeScript scanner and rejected if a
 * quantified group contains a quantifier ("(a+)+", "(a*)*", "(?:x{1,3})+") or
 * a quantified alternation has a repeated alternative ("(a|a)*").
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const SRC = resolve(process.cwd(), "src");

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return listTs(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

function regexLiterals(path: string): { line: number; source: string }[] {
  const sf = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const out: { line: number; source: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      out.push({
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
        source: text.slice(1, text.lastIndexOf("/")),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A variable repetition (anything but "?" or an exact "{n}") starting at `i`. */
function quantifierAt(src: string, i: number): boolean {
  const c = src[i];
  if (c === "*" || c === "+") return true;
  if (c !== "{") return false;
  return /^\{\d+,\d*\}/.test(src.slice(i));
}

/** Returns a reason when `src` looks super-linear, else undefined. */
export function unsafeReason(src: string): string | undefined {
  const stack: { start: number; inner: boolean; alts: string[]; altStart: number }[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      if (!inClass && quantifierAt(src, i + 1) && stack.length > 0) stack[stack.length - 1]!.inner = true;
      continue;
    }
    if (inClass) {
      if (c === "]") {
        inClass = false;
        if (quantifierAt(src, i + 1) && stack.length > 0) stack[stack.length - 1]!.inner = true;
      }
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") stack.push({ start: i, inner: false, alts: [], altStart: i + 1 });
    else if (c === "|" && stack.length > 0) {
      const top = stack[stack.length - 1]!;
      top.alts.push(src.slice(top.altStart, i));
      top.altStart = i + 1;
    } else if (c === ")") {
      const top = stack.pop();
      if (!top) continue;
      top.alts.push(src.slice(top.altStart, i));
      const quantified = quantifierAt(src, i + 1);
      const group = src.slice(top.start, i + 1);
      if (quantified && top.inner) return `nested quantifier in ${group}`;
      if (quantified && new Set(top.alts).size < top.alts.length) return `repeated alternative in ${group}`;
      if ((top.inner || quantified) && stack.length > 0) stack[stack.length - 1]!.inner = true;
    } else if (quantifierAt(src, i) && stack.length > 0) {
      stack[stack.length - 1]!.inner = true;
    }
  }
  return undefined;
}

describe("regex safety heuristic (H5)", () => {
  it("rejects known super-linear shapes", () => {
    for (const bad of ["(a+)+", "(a*)*", "(?:x{1,3})+b", "(a|a)*", "((ab)+c)*", "([a-z]+)*$", "(\\d+)+"]) {
      assert.ok(unsafeReason(bad), bad);
    }
  });
  it("accepts bounded, flat patterns", () => {
    for (const ok of [
      "sk-[A-Za-z0-9_-]{20,400}",
      "(?:AKIA|ASIA)[A-Z0-9]{16}",
      "(\\d{3})-\\d{4}",
      "[(+)*]+",
    ]) {
      assert.equal(unsafeReason(ok), undefined, ok);
    }
  });
  it("every regex literal under src/ passes", () => {
    const files = listTs(SRC);
    assert.ok(files.length >= 50, "suspiciously few source files");
    const findings = files.flatMap((f) =>
      regexLiterals(f).flatMap(({ line, source }) => {
        const why = unsafeReason(source);
        return why ? [`${f.slice(SRC.length - 3)}:${line} /${source}/ — ${why}`] : [];
      }),
    );
    assert.deepEqual(findings, [], `\n${findings.join("\n")}\n`);
  });
});
