import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import denoJson from "../../deno.json" with { type: "json" };
import { defineInterceptor } from "../../src/api/component.ts";
import { string } from "../../src/api/properties.ts";
import { formatTopology } from "../../src/cli/topology.ts";
import { type CliResult, runCli, withTempDir } from "../support/cli.ts";
import { loadConf } from "../support/components.ts";

const VALID = `# A valid agent: seq -> memory -> logger
a1.sources = r1
a1.channels = c1
a1.sinks = k1

a1.sources.r1.type = org.apache.flume.source.SequenceGeneratorSource
a1.sources.r1.channels = c1
a1.sources.r1.batchSize = 10

a1.channels.c1.type = memory
a1.channels.c1.capacity = 1000

a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
`;

/** Writes `text` to `name` in `dir` and returns the path. */
async function writeConf(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

/** Fails when the output holds a JavaScript stack trace. */
function assertNoStackTrace(result: CliResult): void {
  for (const output of [result.stdout, result.stderr]) {
    ok(!/^\s+at /m.test(output), `stack trace in output:\n${output}`);
  }
}

/** A line of `text` exactly equal to `line`. */
function assertLine(text: string, line: string): void {
  ok(text.split("\n").includes(line), `no line ${JSON.stringify(line)} in:\n${text}`);
}

Deno.test("check prints the topology and exits 0 when the file is valid", async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeConf(dir, "flume.conf", VALID);
    const result = await runCli(["check", "-n", "a1", "-f", file]);

    await t.step("exits 0 with nothing on stderr", () => {
      equal(result.code, 0, result.stderr);
      equal(result.stderr, "");
    });
    await t.step("names the agent, its links and the types as written", () => {
      assertLine(result.stdout, `Agent "a1" in ${file} is valid`);
      assertLine(result.stdout, "  r1 (org.apache.flume.source.SequenceGeneratorSource) -> c1");
      assertLine(result.stdout, "  c1 (memory)");
      assertLine(result.stdout, "  k1 (logger) <- c1");
    });
    await t.step("shows set values as set and marks defaults", () => {
      assertLine(result.stdout, "      batchSize = 10");
      assertLine(result.stdout, "      capacity = 1000");
      assertLine(result.stdout, "      transactionCapacity = 100 (default)");
      assertLine(result.stdout, "      keep-alive = 3 (default)");
      assertLine(result.stdout, "      maxBytesToLog = 16 (default)");
      assertLine(result.stdout, "      totalEvents = unlimited (default)");
    });
  });
});

Deno.test("check reports every error with file and line and exits 2", async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeConf(
      dir,
      "broken.conf",
      [
        "a1.sources = r1", // 1
        "a1.channels = c1", // 2
        "a1.sinks = k1 k2", // 3
        "a1.sources.r1.type = seqq", // 4
        "a1.sources.r1.channel = c1", // 5
        "a1.channels.c1.type = memory", // 6
        "a1.channels.c1.capacity = 10", // 7
        "a1.channels.c1.transactionCapacity = 20", // 8
        "a1.sinks.k1.type = logger", // 9
        "a1.sinks.k1.channel = c7", // 10
        "a1.sinks.k1.maxBytesToLog = 1O", // 11
      ].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);

    await t.step("exits 2 with nothing on stdout and no stack trace", () => {
      equal(result.code, 2);
      equal(result.stdout, "");
      assertNoStackTrace(result);
    });
    await t.step("prints each error as FILE:LINE: error: component property: message", () => {
      const errors = result.stderr.split("\n").filter((l) => l.includes(": error: "));
      equal(errors.length, 6, result.stderr);
      assertLine(
        result.stderr,
        `${file}:3: error: sinks.k2: Listed in a1.sinks but never configured`,
      );
      assertLine(result.stderr, `${file}:4: error: sources.r1 type: Unknown source type "seqq"`);
      assertLine(
        result.stderr,
        `${file}:5: error: sources.r1 channels: Missing required property "channels"`,
      );
      assertLine(
        result.stderr,
        `${file}:8: error: channels.c1 transactionCapacity: ` +
          "transactionCapacity 20 is larger than capacity 10",
      );
      assertLine(result.stderr, `${file}:10: error: sinks.k1 channel: Channel "c7" is not defined`);
      assertLine(
        result.stderr,
        `${file}:11: error: sinks.k1 maxBytesToLog: ` +
          'Invalid maxBytesToLog "1O": expected a whole number',
      );
    });
    await t.step("prints the errors in line order", () => {
      const lines = [...result.stderr.matchAll(/^.*:(\d+): error: /gm)].map((m) => Number(m[1]));
      equal(lines.join(" "), "3 4 5 8 10 11");
    });
    await t.step("prints the hints under their errors", () => {
      assertLine(result.stderr, '  hint: did you mean "seq"?');
      assertLine(
        result.stderr,
        '  hint: a source takes "channels" (plural): a1.sources.r1.channels = c1',
      );
      assertLine(result.stderr, '  hint: did you mean "c1"?');
    });
    await t.step("ends with the number of errors", () => {
      equal(result.stderr.trimEnd().split("\n").at(-1), "Configuration invalid: 6 errors");
    });
  });
});

Deno.test("check exits 2 with a clear message when the file or agent is wrong", async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeConf(dir, "flume.conf", VALID);

    await t.step("a missing file", async () => {
      const missing = join(dir, "nope.conf");
      const result = await runCli(["check", "-n", "a1", "-f", missing]);
      equal(result.code, 2);
      assertNoStackTrace(result);
      assertLine(
        result.stderr,
        `${missing}: error: Cannot read configuration file: file not found`,
      );
      match(result.stderr, /hint: pass the path of a flume\.conf with -f/);
    });
    await t.step("a directory instead of a file", async () => {
      const result = await runCli(["check", "-n", "a1", "-f", dir]);
      equal(result.code, 2);
      assertNoStackTrace(result);
      match(result.stderr, /error: Cannot read configuration file: /);
    });
    await t.step("an agent the file does not define", async () => {
      const result = await runCli(["check", "-n", "agent2", "-f", file]);
      equal(result.code, 2);
      equal(result.stdout, "");
      assertNoStackTrace(result);
      assertLine(result.stderr, `${file}: error: No agent "agent2" in ${file}`);
      assertLine(result.stderr, "  hint: agents in this file: a1");
    });
  });
});

Deno.test("check warns about unknown properties and still exits 0", async () => {
  await withTempDir(async (dir) => {
    const file = await writeConf(
      dir,
      "flume.conf",
      VALID + "a1.sinks.k1.maxBytesTolog = 4\na1.sinks.k9.type = null\n",
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    equal(result.code, 0, result.stderr);
    assertLine(
      result.stderr,
      `${file}:15: warning: sinks.k1 maxBytesTolog: ` +
        'Unknown property "maxBytesTolog" for type logger: ignored',
    );
    assertLine(result.stderr, '  hint: did you mean "maxBytesToLog"?');
    assertLine(
      result.stderr,
      `${file}:16: warning: sinks.k9: Configured but not listed in a1.sinks: ignored`,
    );
    ok(!result.stderr.includes("error"), result.stderr);
    assertLine(result.stdout, `Agent "a1" in ${file} is valid`);
  });
});

Deno.test("check substitutes ${sys:NAME} from -D and ${env:NAME} from the environment", async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeConf(
      dir,
      "flume.conf",
      VALID.replace("capacity = 1000", "capacity = ${sys:CAP}") +
        "a1.sinks.k1.maxBytesToLog = ${env:FLUME_WS_TEST_MAX_BYTES}\n",
    );
    const env = { FLUME_WS_TEST_MAX_BYTES: "32" };

    await t.step("-DNAME=VALUE fills ${sys:NAME}, the environment fills ${env:NAME}", async () => {
      const result = await runCli(["check", "-n", "a1", "-f", file, "-DCAP=500"], { env });
      equal(result.code, 0, result.stderr);
      assertLine(result.stdout, "      capacity = 500");
      assertLine(result.stdout, "      maxBytesToLog = 32");
    });
    await t.step("-D NAME=VALUE (separate argument) works too", async () => {
      const result = await runCli(["check", "-n", "a1", "-f", file, "-D", "CAP=700"], { env });
      equal(result.code, 0, result.stderr);
      assertLine(result.stdout, "      capacity = 700");
    });
    await t.step("an unset name is an error at its line", async () => {
      const result = await runCli(["check", "-n", "a1", "-f", file]);
      equal(result.code, 2);
      assertNoStackTrace(result);
      assertLine(
        result.stderr,
        `${file}:11: error: channels.c1 capacity: Variable "\${sys:CAP}" is not set`,
      );
      assertLine(result.stderr, "  hint: pass -DCAP=VALUE");
      assertLine(
        result.stderr,
        `${file}:15: error: sinks.k1 maxBytesToLog: ` +
          'Variable "${env:FLUME_WS_TEST_MAX_BYTES}" is not set',
      );
      assertLine(result.stderr, "  hint: set the environment variable FLUME_WS_TEST_MAX_BYTES");
      equal(result.stderr.trimEnd().split("\n").at(-1), "Configuration invalid: 2 errors");
    });
  });
});

Deno.test("check handles its command line", async (t) => {
  await t.step("--help prints the usage and exits 0", async () => {
    const result = await runCli(["check", "--help"]);
    equal(result.code, 0);
    match(result.stdout, /^Usage: flume-ws check -n NAME -f FILE/);
    equal(result.stderr, "");
  });
  await t.step("an unknown flag exits 2 and points to --help", async () => {
    const result = await runCli(["check", "--bogus", "-n", "a1", "-f", "flume.conf"]);
    equal(result.code, 2);
    assertNoStackTrace(result);
    match(result.stderr, /^error: Unknown option '--bogus'/);
    assertLine(result.stderr, 'Run "flume-ws check --help" for usage');
  });
  await t.step("a missing -n exits 2", async () => {
    const result = await runCli(["check", "-f", "flume.conf"]);
    equal(result.code, 2);
    assertLine(result.stderr, "error: Missing agent name: -n NAME");
  });
  await t.step("a malformed -D exits 2", async () => {
    const result = await runCli(["check", "-n", "a1", "-f", "flume.conf", "-D=x"]);
    equal(result.code, 2);
    assertLine(result.stderr, 'error: Invalid -D"=x": expected -DKEY=VALUE');
  });
});

Deno.test("the CLI prints its version and rejects unknown commands", async (t) => {
  await t.step("version prints flume-ws <version> and exits 0", async () => {
    const result = await runCli(["version"]);
    equal(result.code, 0);
    match(result.stdout, new RegExp(`^flume-ws ${denoJson.version.replaceAll(".", "\\.")}\\b`));
    equal(result.stderr, "");
  });
  await t.step("an unknown command exits 2", async () => {
    const result = await runCli(["frobnicate"]);
    equal(result.code, 2);
    assertNoStackTrace(result);
    assertLine(result.stderr, 'error: Unknown command "frobnicate"');
    assertLine(result.stderr, 'Run "flume-ws --help" for usage');
  });
});

Deno.test("check refuses the monitoring flags the agent would refuse, and shows good ones", async (t) => {
  const conf = "conf/flume.conf";
  await t.step("a misspelt type exits 2 with one line and a suggestion", async () => {
    const result = await runCli([
      "check",
      "-n",
      "a1",
      "-f",
      conf,
      "-Dflume.monitoring.type=promethius",
    ]);
    equal(result.code, 2, result.stderr);
    equal(
      result.stderr.trim(),
      'error: Invalid -Dflume.monitoring.type "promethius": expected http or prometheus ' +
        '(did you mean "prometheus"?)',
    );
  });
  await t.step("a port out of range exits 2", async () => {
    const result = await runCli([
      "check",
      "-n",
      "a1",
      "-f",
      conf,
      "-Dflume.monitoring.type=http",
      "-Dflume.monitoring.port=99999",
    ]);
    equal(result.code, 2, result.stderr);
    match(result.stderr, /Invalid -Dflume\.monitoring\.port "99999": must be at most 65535/);
  });
  await t.step("valid flags are shown with the topology", async () => {
    const result = await runCli([
      "check",
      "-n",
      "a1",
      "-f",
      conf,
      "-Dflume.monitoring.type=prometheus",
      "-Dflume.monitoring.port=41414",
    ]);
    equal(result.code, 0, result.stderr);
    match(result.stdout, /^monitoring: prometheus on 127\.0\.0\.1:41414$/m);
  });
});

/** Lines of `text` from the one equal to `first`, `count` of them. */
function linesFrom(text: string, first: string, count: number): string[] {
  const lines = text.split("\n");
  const at = lines.indexOf(first);
  ok(at >= 0, `no line ${JSON.stringify(first)} in:\n${text}`);
  return lines.slice(at, at + count);
}

Deno.test("check shows which channels each event of a source may reach", async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeConf(
      dir,
      "routing.conf",
      [
        "a1.sources = r1 r2 r3",
        "a1.channels = c1 c2 c3 c4",
        "a1.sinks = k1",
        "a1.channels.c1.type = memory",
        "a1.channels.c2.type = memory",
        "a1.channels.c3.type = memory",
        "a1.channels.c4.type = memory",
        "a1.sinks.k1.type = null",
        "a1.sinks.k1.channel = c1",
        "a1.sources.r1.type = seq",
        "a1.sources.r1.channels = c1 c2",
        "a1.sources.r2.type = seq",
        "a1.sources.r2.channels = c1 c2 c3",
        "a1.sources.r2.selector.type = replicating",
        "a1.sources.r2.selector.optional = c3",
        "a1.sources.r3.type = seq",
        "a1.sources.r3.channels = c1 c2 c3 c4",
        "a1.sources.r3.selector.type = multiplexing",
        "a1.sources.r3.selector.header = state",
        "a1.sources.r3.selector.mapping.CZ = c1",
        "a1.sources.r3.selector.mapping.US = c2 c3",
        "a1.sources.r3.selector.optional.CZ = c1 c2",
        "a1.sources.r3.selector.optional.FR = c3",
        "a1.sources.r3.selector.default = c4",
      ].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    equal(result.code, 0, result.stderr);
    equal(result.stderr, "");

    await t.step("the default selector: every event to every channel", () => {
      deepStrictEqual(linesFrom(result.stdout, "    routing:", 2), [
        "    routing:",
        "      all events -> c1 c2",
      ]);
    });
    await t.step("replicating with an optional channel", () => {
      deepStrictEqual(linesFrom(result.stdout, "    selector (replicating)", 4), [
        "    selector (replicating)",
        "      selector.optional = c3",
        "    routing:",
        "      all events -> c1 c2 (optional: c3)",
      ]);
    });
    await t.step("multiplexing: one line per header value, then the default", () => {
      deepStrictEqual(linesFrom(result.stdout, "    selector (multiplexing)", 12), [
        "    selector (multiplexing)",
        "      selector.header = state",
        "      selector.default = c4",
        "      selector.mapping.CZ = c1",
        "      selector.mapping.US = c2 c3",
        "      selector.optional.CZ = c1 c2",
        "      selector.optional.FR = c3",
        "    routing:",
        "      header state = CZ -> c1 (optional: c2)",
        "      header state = US -> c2 c3",
        "      header state = FR -> c4 (optional: c3)",
        "      otherwise -> c4",
      ]);
    });
  });
});

Deno.test("check says when events may reach no channel", async () => {
  await withTempDir(async (dir) => {
    const file = await writeConf(
      dir,
      "nodefault.conf",
      [
        "a1.sources = r1", // 1
        "a1.channels = c1", // 2
        "a1.sinks = k1", // 3
        "a1.channels.c1.type = memory", // 4
        "a1.sinks.k1.type = null", // 5
        "a1.sinks.k1.channel = c1", // 6
        "a1.sources.r1.type = seq", // 7
        "a1.sources.r1.channels = c1", // 8
        "a1.sources.r1.selector.type = multiplexing", // 9
        "a1.sources.r1.selector.mapping.CZ = c1", // 10
      ].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    equal(result.code, 0, result.stderr);
    assertLine(
      result.stderr,
      `${file}:9: warning: sources.r1: No selector.default: an event whose header has no ` +
        "mapping reaches no channel",
    );
    assertLine(result.stdout, "      header flume.selector.header = CZ -> c1");
    assertLine(
      result.stdout,
      "      otherwise -> no channel: dropped, counted as EventUnroutedCount",
    );
  });
});

Deno.test("check lists a source's interceptors in order, before its selector", () => {
  const tag = defineInterceptor({
    type: "tag",
    summary: "A test interceptor",
    properties: { value: string({ doc: "A value" }) },
    create: () => ({ intercept: (events) => events }),
  });
  const config = loadConf([
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.r1.type = seq",
    "a1.sources.r1.channels = c1",
    "a1.sources.r1.interceptors = second first",
    "a1.sources.r1.interceptors.first.type = tag",
    "a1.sources.r1.interceptors.first.value = 1",
    "a1.sources.r1.interceptors.second.type = tag",
  ], { interceptor: [tag] });
  const lines = formatTopology(config);
  const at = lines.indexOf("    interceptor second (tag)");
  ok(at > 0, lines.join("\n"));
  deepStrictEqual(lines.slice(at, at + 5), [
    "    interceptor second (tag)",
    "    interceptor first (tag)",
    "      value = 1",
    "    routing:",
    "      all events -> c1",
  ]);
});
