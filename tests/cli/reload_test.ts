import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { modifiedAt, ReloadWatcher } from "../../src/cli/reload_watcher.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { runCli, withTempDir } from "../support/cli.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** seq → c1 → logger: three events, then quiet. */
const BASE = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 3
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
`;

/** BASE plus r2 → c2 → a file_roll sink k2 writing to `dir`. */
function withFileRoll(dir: string): string {
  return BASE.replace("a1.sources = r1", "a1.sources = r1 r2")
    .replace("a1.channels = c1", "a1.channels = c1 c2")
    .replace("a1.sinks = k1", "a1.sinks = k1 k2") + `
a1.sources.r2.type = seq
a1.sources.r2.totalEvents = 5
a1.sources.r2.channels = c2
a1.channels.c2.type = memory
a1.sinks.k2.type = file_roll
a1.sinks.k2.channel = c2
a1.sinks.k2.sink.directory = ${dir}
a1.sinks.k2.sink.rollInterval = 0
`;
}

/**
 * Rewrites `path` and sets its modification time `secondsLater` past the
 * previous one, so that a poll sees a change whatever the file system's
 * time resolution.
 */
async function rewrite(path: string, text: string, secondsLater: number): Promise<void> {
  const before = (await Deno.stat(path)).mtime!.getTime();
  await Deno.writeTextFile(path, text);
  const when = new Date(before + secondsLater * 1000);
  await Deno.utime(path, when, when);
}

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Kills the agent if it still runs, and waits for it. */
async function ended(agent: AgentProcess): Promise<void> {
  try {
    agent.kill("SIGKILL");
  } catch {
    // Already exited.
  }
  await agent.exit();
}

/** Waits (generously) until the files in `dir` hold `want` in all. */
async function waitForFileText(dir: string, want: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  while (Date.now() < deadline) {
    text = "";
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile) text += await Deno.readTextFile(`${dir}/${entry.name}`);
    }
    if (text === want) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Timed out waiting for ${JSON.stringify(want)} in ${dir}: ${JSON.stringify(text)}`,
  );
}

Deno.test("agent --reload-interval 1 applies a changed file and refuses a broken one", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/out`;
    const conf = await tempConf(dir, BASE);
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "--reload-interval", "1"]);
    try {
      await agent.waitFor(/Agent a1 started/);
      await agent.waitFor(/ sink\.k1: Event: /, 3);

      await rewrite(conf, withFileRoll(out), 10);
      await agent.waitFor(/agent\.a1: Reload: the file changed: reading /);
      await agent.waitFor(
        /agent\.a1: Reload: new configuration applied: 3 added, 0 changed, 0 removed, 3 unchanged/,
      );
      await waitForFileText(out, "0\n1\n2\n3\n4\n");
      ok(
        agent.lines.some((l) => /INFO {2}agent\.a1: Reload: sink k2 added$/.test(l)),
        agent.dump(),
      );
      strictEqual(
        agent.lines.filter((l) => / sink\.k1: Event: /.test(l)).length,
        3,
        "the unchanged r1 was not restarted: no event twice",
      );

      const broken = withFileRoll(out).replace(
        "a1.sinks.k2.type = file_roll",
        "a1.sinks.k2.type = nosuch",
      )
        .replace("a1.sources.r2.totalEvents = 5", "a1.sources.r2.totalEvents = many");
      await rewrite(conf, broken, 20);
      const refused = await agent.waitFor(
        /agent\.a1: Reload refused: configuration invalid: 2 errors; the running configuration is kept/,
      );
      strictEqual(refused.length, 1);
      const lines = agent.dump();
      const at = escape(conf);
      match(
        lines,
        new RegExp(`ERROR agent\\.a1: ${at}:13: error: sources\\.r2 totalEvents: Invalid`),
      );
      match(
        lines,
        new RegExp(
          `ERROR agent\\.a1: ${at}:16: error: sinks\\.k2 type: Unknown sink type "nosuch"`,
        ),
      );

      // Still running the last good configuration: a SIGTERM stops it cleanly.
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      ok(stderr.some((l) => /Agent a1 stopped/.test(l)));
    } finally {
      await ended(agent);
    }
  });
});

Deno.test("agent reloads at once on SIGHUP with the default interval", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/out`;
    const conf = await tempConf(dir, BASE);
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    try {
      await agent.waitFor(/Agent a1 started/);
      await Deno.writeTextFile(conf, withFileRoll(out));
      agent.kill("SIGHUP");
      await agent.waitFor(/agent\.a1: Reload: SIGHUP received: reading /);
      await agent.waitFor(/agent\.a1: Reload: new configuration applied: 3 added/);
      await waitForFileText(out, "0\n1\n2\n3\n4\n");
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      ok(!stderr.some((l) => /the file changed/.test(l)), "the SIGHUP did it, not a poll");
    } finally {
      await ended(agent);
    }
  });
});

Deno.test("agent --no-reload-conf ignores a changed file and SIGHUP", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, BASE);
    const agent = new AgentProcess([
      "-n",
      "a1",
      "-f",
      conf,
      "--no-reload-conf",
      "--reload-interval",
      "1",
      "--status-interval",
      "1",
    ]);
    try {
      await agent.waitFor(/Agent a1 started/);
      await rewrite(conf, withFileRoll(`${dir}/out`), 10);
      agent.kill("SIGHUP");
      await agent.waitFor(/WARN {2}agent\.a1: SIGHUP received: not reloading \(--no-reload-conf\)/);
      // Two status lines after the change: more than one --reload-interval has passed.
      const seen = agent.lines.filter((l) => /agent\.a1: status: /.test(l)).length;
      await agent.waitFor(/agent\.a1: status: /, seen + 2);
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      ok(!stderr.some((l) => /Reload/.test(l)), stderr.join("\n"));
    } finally {
      await ended(agent);
    }
  });
});

Deno.test("agent --reload-interval refuses what is not a positive whole number", async () => {
  for (const bad of ["0", "1.5", "soon"]) {
    const { code, stderr } = await runCli([
      "agent",
      "-n",
      "a1",
      "-f",
      "x.conf",
      "--reload-interval",
      bad,
    ]);
    strictEqual(code, 2, stderr);
    match(
      stderr,
      new RegExp(
        `error: Invalid --reload-interval "${bad}": expected a whole number from 1 to 86400`,
      ),
    );
    match(stderr, /Run "flume-ws agent --help" for usage/);
  }
});

Deno.test("check accepts and ignores the reload flags; agent --help lists them", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, BASE);
    const check = await runCli([
      "check",
      "-n",
      "a1",
      "-f",
      conf,
      "--no-reload-conf",
      "--reload-interval",
      "5",
    ]);
    strictEqual(check.code, 0, check.stderr);
    const help = await runCli(["agent", "--help"]);
    match(help.stdout, /--no-reload-conf/);
    match(help.stdout, /--reload-interval SEC/);
  });
});

Deno.test("ReloadWatcher reloads when the modification time changes, and at once on trigger()", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, BASE);
    const clock = new FakeClock({ start: 0 });
    const log = new RecordingLog();
    const reasons: string[] = [];
    const watcher = new ReloadWatcher({
      file: conf,
      intervalMs: 30_000,
      clock,
      log,
      loadedMtime: await modifiedAt(conf),
      reload: (reason) => {
        reasons.push(reason);
        return Promise.resolve();
      },
    });
    watcher.start();
    /** Ends the watcher's current sleep and waits until it sleeps again (its look is over). */
    const poll = async (): Promise<void> => {
      clock.advance(30_000);
      await clock.nextSleep();
    };
    try {
      strictEqual((await clock.nextSleep()).ms, 30_000, "it looks every interval");
      await poll();
      deepStrictEqual(reasons, [], "an untouched file is not reloaded");
      await rewrite(conf, `${BASE}# edited\n`, 10);
      await poll();
      deepStrictEqual(reasons, ["the file changed"]);
      await poll();
      deepStrictEqual(reasons, ["the file changed"], "one reload per change");
      watcher.trigger("SIGHUP received");
      await clock.nextSleep();
      deepStrictEqual(reasons, ["the file changed", "SIGHUP received"]);

      await Deno.rename(conf, `${conf}.away`);
      await poll();
      await poll();
      deepStrictEqual(log.messages("warn"), [
        `Cannot watch configuration file ${conf}: file not found; the running configuration is kept`,
      ], "warned once while the file is missing");
      await Deno.rename(`${conf}.away`, conf);
      await rewrite(conf, BASE, 20);
      await poll();
      deepStrictEqual(reasons, ["the file changed", "SIGHUP received", "the file changed"]);
      deepStrictEqual(log.messages("info"), [`Configuration file ${conf} is readable again`]);
    } finally {
      await watcher.stop();
    }
  });
});
