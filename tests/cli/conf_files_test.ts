/**
 * Several `--conf-file`s and the bare `${NAME}` lookup, as Flume 1.10 reads
 * them (guide: "Using environment variables, system properies, or other
 * properties configuration files"): `check` in-process, `agent` as a child.
 *
 * @module
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import { AgentProcess } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";

/** The guide's first file: the port is `${NC_PORT}`, set by another file. */
const EXAMPLE = [
  "a1.sources = r1", // 1
  "a1.channels = c1", // 2
  "a1.sinks = k1", // 3
  "a1.sources.r1.type = netcat", // 4
  "a1.sources.r1.port = ${NC_PORT}", // 5
  "a1.sources.r1.bind = 127.0.0.1", // 6
  "a1.sources.r1.channels = c1", // 7
  "a1.channels.c1.type = memory", // 8
  "a1.channels.c1.capacity = 1000", // 9
  "a1.sinks.k1.type = logger", // 10
  "a1.sinks.k1.channel = c1", // 11
  "",
].join("\n");

/** What one in-process run of the CLI printed, and its exit code. */
interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `main(args)` in this process with its output captured. */
async function run(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (line) => void out.push(...line.split("\n")),
    err: (line) => void err.push(...line.split("\n")),
  });
  return { code, out, err };
}

/** Writes each `name: text` into `dir`; returns the paths, in order. */
async function writeFiles(dir: string, files: Record<string, string>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    paths.push(path);
  }
  return paths;
}

/** `check -n a1 -f FILE...`. */
function check(files: readonly string[]): Promise<Run> {
  return run(["check", "-n", "a1", ...files.flatMap((f) => ["-f", f])]);
}

/** Fails unless `lines` holds `line` exactly. */
function assertLine(lines: readonly string[], line: string): void {
  ok(lines.includes(line), `no line ${JSON.stringify(line)} in:\n${lines.join("\n")}`);
}

Deno.test("check -f example.conf -f override.conf resolves ${NC_PORT} from the override", async (t) => {
  await withTempDir(async (dir) => {
    const files = await writeFiles(dir, {
      "example.conf": EXAMPLE,
      "override.conf": "NC_PORT = 44444\na1.channels.c1.capacity = 500\n",
    });
    const result = await check(files);

    await t.step("exits 0, and NC_PORT, a lookup value, is no unknown-key warning", () => {
      equal(result.code, 0, result.err.join("\n"));
      deepStrictEqual(result.err, []);
    });
    await t.step("names both files", () => {
      assertLine(result.out, `Agent "a1" in ${files[0]} + ${files[1]} is valid`);
    });
    await t.step("the port is the override file's NC_PORT", () => {
      assertLine(result.out, "      port = 44444");
    });
    await t.step("a key the later file sets again takes the later value", () => {
      assertLine(result.out, "      capacity = 500");
    });
  });
});

Deno.test("check names the file and line of each problem when several files are read", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFiles(dir, {
      "example.conf": EXAMPLE.replace("a1.sinks.k1.type = logger", "a1.sinks.k1.type = loger"),
      "override.conf": [
        "# environment overrides", // 1
        "NC_PORT = 44444", // 2
        "a1.channels.c1.capacity = lots", // 3
        "",
      ].join("\n"),
    });
    const result = await check(files);
    equal(result.code, 2, result.err.join("\n"));
    const errors = result.err.filter((l) => l.includes(": error: "));
    deepStrictEqual(errors.map((l) => l.slice(0, l.indexOf(": error: "))), [
      `${files[0]}:10`,
      `${files[1]}:3`,
    ], "each error on its own file's line, the files in the order given");
    match(errors[0], /sinks\.k1 type: Unknown sink type "loger"/);
    match(errors[1], /channels\.c1 capacity: /);
  });
});

Deno.test("check refuses an unset ${NAME} on its line, with a hint where to set it", async () => {
  await withTempDir(async (dir) => {
    const [example] = await writeFiles(dir, { "example.conf": EXAMPLE });
    const result = await check([example]);
    equal(result.code, 2);
    deepStrictEqual(result.err.filter((l) => l.includes(": error: ")), [
      `${example}:5: error: sources.r1 port: Variable "\${NC_PORT}" is not set`,
    ], "the unset reference only, not what its empty value breaks");
    const hint = result.err[
      result.err.indexOf(
        `${example}:5: error: sources.r1 port: ` +
          `Variable "\${NC_PORT}" is not set`,
      ) + 1
    ];
    match(hint, /^ {2}hint: add "NC_PORT = VALUE" to a configuration file/);
  });
});

Deno.test("check refuses keys whose values refer back to themselves", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFiles(dir, {
      "example.conf": EXAMPLE,
      "override.conf": "NC_PORT = ${PORT_BASE}\nPORT_BASE = ${NC_PORT}\n",
    });
    const result = await check(files);
    equal(result.code, 2);
    deepStrictEqual(result.err.filter((l) => l.includes(": error: ")), [
      `${files[0]}:5: error: sources.r1 port: ` +
      "Variables refer back to themselves: NC_PORT -> PORT_BASE -> NC_PORT",
    ]);
    ok(
      result.err.some((l) => /^ {2}hint: a value cannot depend on itself/.test(l)),
      result.err.join("\n"),
    );
  });
});

Deno.test("check reports every configuration file it cannot read", async () => {
  await withTempDir(async (dir) => {
    const [example] = await writeFiles(dir, { "example.conf": EXAMPLE });
    const missing = join(dir, "override.conf");
    const result = await check([example, missing]);
    equal(result.code, 2);
    deepStrictEqual(result.err.filter((l) => l.includes(": error: ")), [
      `${missing}: error: Cannot read configuration file: file not found`,
    ]);
  });
});

/** seq → memory → null; the override makes the sink a logger and sets the count. */
const AGENT_BASE = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = \${EVENTS}
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
`;

Deno.test("agent -f base.conf -f override.conf runs the merged configuration", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFiles(dir, {
      "base.conf": AGENT_BASE,
      "override.conf": "EVENTS = 2\na1.sinks.k1.type = logger\n",
    });
    const agent = new AgentProcess(["-n", "a1", ...files.flatMap((f) => ["-f", f])]);
    try {
      const events = await agent.waitFor(/ sink\.k1: Event: /, 2, 60_000);
      equal(events.length, 2);
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      equal(code, 0, stderr.join("\n"));
      equal(stderr.filter((l) => / sink\.k1: Event: /.test(l)).length, 2, "EVENTS = 2 events");
    } finally {
      await stopped(agent);
    }
  });
});

Deno.test("agent reloads when the second file changes", async () => {
  await withTempDir(async (dir) => {
    const files = await writeFiles(dir, {
      "base.conf": AGENT_BASE,
      "override.conf": "EVENTS = 1\na1.sinks.k1.type = logger\n",
    });
    const agent = new AgentProcess([
      "-n",
      "a1",
      ...files.flatMap((f) => ["-f", f]),
      "--reload-interval",
      "1",
    ]);
    try {
      await agent.waitFor(/ sink\.k1: Event: /, 1, 60_000);
      const before = (await Deno.stat(files[1])).mtime!.getTime();
      await Deno.writeTextFile(files[1], "EVENTS = 3\na1.sinks.k1.type = logger\n");
      const later = new Date(before + 10_000);
      await Deno.utime(files[1], later, later);
      const [reload] = await agent.waitFor(/Reload: /, 1, 60_000);
      match(reload, new RegExp(`Reload: ${escape(files[1])} changed: reading `));
      await agent.waitFor(/Reload: new configuration applied/, 1, 60_000);
      const events = await agent.waitFor(/ sink\.k1: Event: /, 4, 60_000);
      equal(events.length, 4, "the restarted source sends the new file's EVENTS = 3");
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      equal(code, 0, stderr.join("\n"));
    } finally {
      await stopped(agent);
    }
  });
});

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Kills the agent if it still runs, and waits for it. */
async function stopped(agent: AgentProcess): Promise<void> {
  try {
    agent.kill("SIGKILL");
  } catch {
    // Already exited.
  }
  await agent.exit();
}
