/**
 * The corpus of broken and unusual configurations in
 * `tests/fixtures/bad_configs/`: each file ends with comments saying what
 * `check` must answer (`# expect-exit: N`, `# expect: REGEX` lines that must
 * match its output, `# expect-not: TEXT` that must not appear). Every answer
 * must also be clean: no stack trace, no Deno or OS error internals, no
 * secret, and every error pointing at a file and, where it has one, a line.
 *
 * @module
 */
import { equal, fail, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Output } from "../../src/cli/fatal.ts";
import { main } from "../../src/cli/main.ts";

const CORPUS = fileURLToPath(new URL("../fixtures/bad_configs/", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url)).replace(/\/$/, "");

/** What one corpus file expects. */
interface Expectation {
  readonly exit: number;
  readonly matches: readonly RegExp[];
  readonly absent: readonly string[];
}

/** The expectations at the end of a corpus file. */
function expectation(text: string, file: string): Expectation {
  const exit = /^# expect-exit: (\d+)$/m.exec(text);
  if (!exit) fail(`${file} has no "# expect-exit:" line`);
  const matches = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => new RegExp(m[1]));
  if (matches.length === 0) fail(`${file} has no "# expect:" line`);
  const absent = [...text.matchAll(/^# expect-not: (.+)$/gm)].map((m) => m[1]);
  return { exit: Number(exit[1]), matches, absent };
}

/** Runs `flume-ws check` in this process and captures what it prints. */
async function check(path: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const output: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
  const code = await main(["check", "-f", path, "-n", "a1", `-Dfixtures=${FIXTURES}`], output);
  return { code, out: lines.join("\n") };
}

Deno.test("the bad configuration corpus gets the answers it expects", async (t) => {
  const files = [...Deno.readDirSync(CORPUS)].map((e) => e.name).filter((n) => n.endsWith(".conf"))
    .sort();
  ok(files.length >= 80, `${files.length} corpus files`);
  for (const name of files) {
    await t.step(name, async () => {
      const path = `${CORPUS}${name}`;
      const text = await Deno.readTextFile(path);
      const expected = expectation(text, name);
      const { code, out } = await check(path);
      const shown = `\n--- output of check ---\n${out}`;
      equal(code, expected.exit, `exit code${shown}`);
      for (const pattern of expected.matches) ok(pattern.test(out), `expected ${pattern}${shown}`);
      for (const text of [...expected.absent, "s3cr3t"]) {
        ok(!out.includes(text), `"${text}" must not be shown${shown}`);
      }
      ok(!/^\s+at .*:\d+:\d+\)?$/m.test(out), `no stack trace${shown}`);
      ok(
        !/os error \d+|--allow-|NotCapable|IsADirectory:|\[object |undefined|NaN/.test(out),
        `internals${shown}`,
      );
      for (const line of out.split("\n").filter((l) => / error: /.test(l))) {
        ok(line.startsWith(`${path}:`), `an error names the file: ${line}${shown}`);
      }
    });
  }
});
