// bench:receipts: the relay without receipts, built from a git ref or given as a directory.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { progress, UsageError } from "./cli.js";
import { type Options, ROOT } from "./receipts-options.js";

// ---- the baseline build -----------------------------------------------------------------------

export function git(args: string[]): string {
  return execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Compiles a source tree with this checkout's TypeScript and node_modules (linked in when it has none). */
export function compile(dir: string): void {
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  progress(`building ${dir}`);
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export interface Baseline {
  label: string;
  cli: string;
}

/** The CLI of the relay without receipts: --baseline DIR, or `ref` archived and built in the temp directory. */
export function baseline(opts: Options): Baseline {
  if (opts.baseline !== null) {
    const dir = resolve(opts.baseline);
    const cli = join(dir, "dist/src/cli/main.js");
    if (!existsSync(cli)) {
      if (!existsSync(join(dir, "tsconfig.json")))
        throw new UsageError(`${dir} has neither dist/ nor tsconfig.json`);
      compile(dir);
    }
    return { label: dir, cli };
  }
  let sha: string;
  try {
    sha = git(["rev-parse", "--verify", `${opts.ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`--ref ${opts.ref} is not a commit of ${ROOT}`);
  }
  const dir = join(tmpdir(), `overt-bench-base-${sha.slice(0, 12)}`);
  const cli = join(dir, "dist/src/cli/main.js");
  const stamp = join(dir, ".bench-built");
  if (!(existsSync(cli) && existsSync(stamp) && readFileSync(stamp, "utf8") === sha)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = join(dir, "source.tar");
    git(["archive", "--format=tar", "-o", tar, sha]);
    execFileSync("tar", ["-xf", tar, "-C", dir]);
    rmSync(tar);
    compile(dir);
    writeFileSync(stamp, sha);
  }
  return { label: `${opts.ref} = ${sha.slice(0, 7)}`, cli };
}
