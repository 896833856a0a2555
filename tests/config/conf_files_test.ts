import { deepStrictEqual, equal } from "node:assert/strict";
import { loadAgentConfigFiles } from "../../src/config/agent_config.ts";
import { layoutFiles, placeIssues } from "../../src/config/conf_files.ts";
import { ConfigError } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";

const VARIABLES = { env: (): undefined => undefined, sys: {} };

const BASE = [
  "a1.sources = r1",
  "a1.channels = c1",
  "a1.sinks = k1",
  "a1.sources.r1.type = seq",
  "a1.sources.r1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sinks.k1.type = logger",
  "a1.sinks.k1.channel = c1",
].join("\r\n");

Deno.test("layoutFiles counts lines as parseProperties does: \\n, \\r and \\r\\n", () => {
  deepStrictEqual(layoutFiles([{ file: "a", text: "x\r\ny\rz\n" }, { file: "b", text: "k" }]), [
    { file: "a", offset: 0, lines: 4 },
    { file: "b", offset: 4, lines: 1 },
  ]);
});

Deno.test("placeIssues puts a line of the run back in its file and keeps placed ones", () => {
  const where = {
    file: "a + b",
    files: layoutFiles([{ file: "a", text: "1\n2\n" }, { file: "b", text: "1\n" }]),
  };
  deepStrictEqual(
    placeIssues([
      { severity: "error", file: "a + b", line: 2, message: "M" },
      { severity: "error", file: "a + b", line: 4, message: "M" },
      { severity: "error", file: "b", line: 1, message: "M" },
      { severity: "error", file: "a + b", message: "M" },
    ], where),
    [
      { severity: "error", file: "a", line: 2, message: "M" },
      { severity: "error", file: "b", line: 1, message: "M" },
      { severity: "error", file: "b", line: 1, message: "M" },
      { severity: "error", file: "a + b", message: "M" },
    ],
  );
});

Deno.test("loadAgentConfigFiles merges the files, a later one's key winning", () => {
  const config = loadAgentConfigFiles(
    [{ file: "base.conf", text: BASE }, {
      file: "more.conf",
      text: "a1.channels.c1.capacity = ${CAP}\nCAP = 420\na1.sinks.k1.type = null\n",
    }],
    { agent: "a1", variables: VARIABLES, lookup: builtinRegistry() },
  );
  equal(config.file, "base.conf + more.conf");
  equal(config.channels[0].config.capacity, 420, "${CAP} read from the same file");
  equal(config.sinks[0].type, "null", "the second file's type replaces the first's");
  deepStrictEqual(config.warnings, []);
});

/** The issues of the ConfigError that loading `more` after BASE throws, as [file, line, property]. */
function issuesWith(more: string): unknown[][] {
  try {
    loadAgentConfigFiles(
      [{ file: "base.conf", text: BASE }, { file: "more.conf", text: more }],
      { agent: "a1", variables: VARIABLES, lookup: builtinRegistry() },
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => [i.file, i.line, i.property]);
  }
  throw new Error("Expected a ConfigError");
}

Deno.test("loadAgentConfigFiles reports a syntax error in the second file with its own line", () => {
  deepStrictEqual(issuesWith("# x\nbad = \\u12\n"), [["more.conf", 2, undefined]]);
});

Deno.test("loadAgentConfigFiles: an issue after a CRLF first file is on the second file's line", () => {
  deepStrictEqual(issuesWith("\n\na1.channels.c1.capacity = x\n"), [["more.conf", 3, "capacity"]]);
});
