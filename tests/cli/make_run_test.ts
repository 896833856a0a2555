import { match, ok, strictEqual } from "node:assert/strict";
import { REPO_ROOT, withTempDir } from "../support/cli.ts";
import { envWithoutNoColor, hasProgram, OutputLines, runOnTerminal } from "./_output_lines.ts";

const ESC = "\x1b";
const HAS_SETSID = await hasProgram("setsid");
const HAS_SCRIPT = await hasProgram("script");

/**
 * `make run ARGS` in the checkout, in a process group of its own (setsid),
 * so that the test can stop all of it (make, its shell, the feed and the
 * agent) as Ctrl-C does. Output is piped: not a terminal.
 */
function startMakeRun(args: readonly string[]): {
  child: Deno.ChildProcess;
  stderr: OutputLines;
  stdout: OutputLines;
  interrupt(): void;
} {
  const child = new Deno.Command("setsid", {
    args: ["make", "run", ...args],
    cwd: REPO_ROOT,
    env: envWithoutNoColor(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return {
    child,
    stderr: new OutputLines(child.stderr),
    stdout: new OutputLines(child.stdout),
    interrupt: (): void => Deno.kill(-child.pid, "SIGINT"),
  };
}

/** A loopback port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test({
  name: "make run stops at once, naming the port, when the feed's port is taken",
  ignore: !HAS_SETSID,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const run = startMakeRun([`FEED_PORT=${port}`]);
    // Before the fix the agent started anyway and ran until stopped.
    const timer = setTimeout(run.interrupt, 20_000);
    try {
      const status = await run.child.status;
      await Promise.all([run.stderr.ended(), run.stdout.ended()]);
      const text = run.stderr.text;
      ok(!status.success, text);
      match(text, new RegExp(`port ${port} is already in use`));
      match(text, /choose another port with --port PORT/);
      match(text, /make run FEED_PORT=PORT runs it on another port/);
      ok(!/Task agent|Agent a1 started/.test(text), `the agent must not start:\n${text}`);
      ok(!text.includes(ESC), "no colour into a pipe");
    } finally {
      clearTimeout(timer);
      listener.close();
    }
  },
});

Deno.test({
  name: "make run FEED_PORT=N: the agent follows the feed, and its first events are ticks",
  ignore: !HAS_SETSID,
  fn: async () => {
    const port = freePort();
    const run = startMakeRun([`FEED_PORT=${port}`]);
    try {
      const first = await run.stderr.waitFor(/sink\.l1: Event: /);
      match(first, /\{"type":"ticker"/, "the first event is a tick, not our subscription");
      match(run.stderr.text, /source\.w1: Connected to ws:\/\/127\.0\.0\.1:\d+\//);
      ok(run.stderr.text.includes(`source.w1: Connected to ws://127.0.0.1:${port}/`));
      match(run.stderr.text, /feed\.\d+: Subscription received/);
    } finally {
      run.interrupt();
      await run.child.status;
      await Promise.all([run.stderr.ended(), run.stdout.ended()]);
    }
    const text = run.stderr.text;
    const echoed = run.stderr.lines.filter((l) => /sink\.l1: Event: .*"type": "subscr/.test(l));
    strictEqual(echoed.length, 0, `the subscription came back as an event:\n${echoed}`);
    ok(!text.includes(ESC), "no colour into a pipe");
    match(text, /feed\.\d+: Feed stopped/, "the feed stops with make");
    // Nothing of the run is left holding the port.
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  },
});

Deno.test("make run colours Deno's output only on a terminal, and never with NO_COLOR", async (t) => {
  await withTempDir(async (dir) => {
    // An invalid configuration: the agent exits 2 at once, after `deno task`'s own line.
    const conf = `${dir}/bad.conf`;
    await Deno.writeTextFile(conf, "a1.sources = s1\n");
    const args = ["run", `CONF=${conf}`];
    await t.step("into a pipe: no colour", async () => {
      const { code, stdout, stderr } = await new Deno.Command("make", {
        args,
        cwd: REPO_ROOT,
        env: envWithoutNoColor(),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
      ok(code !== 0, text);
      match(text, /Task agent/);
      ok(!text.includes(ESC), JSON.stringify(text));
    });
    const line = `make ${args.join(" ")}`;
    await t.step({
      name: "on a terminal: Deno's colours",
      ignore: !HAS_SCRIPT,
      fn: async () => {
        const { text } = await runOnTerminal(line, { cwd: REPO_ROOT, env: envWithoutNoColor() });
        match(text, /Task/);
        ok(text.includes(ESC), JSON.stringify(text));
      },
    });
    await t.step({
      name: "on a terminal with NO_COLOR=1: no colour",
      ignore: !HAS_SCRIPT,
      fn: async () => {
        const { text } = await runOnTerminal(line, {
          cwd: REPO_ROOT,
          env: { ...envWithoutNoColor(), NO_COLOR: "1" },
        });
        match(text, /Task agent/);
        ok(!text.includes(ESC), JSON.stringify(text));
      },
    });
  });
});
