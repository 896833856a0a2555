import { match, ok, strictEqual } from "node:assert/strict";
import { SILENT_LOG } from "../../src/api/log.ts";
import { startFeed } from "../../src/feed/feed_server.ts";
import { REPO_ROOT, TASK_PERMISSIONS, withTempDir } from "../support/cli.ts";
import { envWithoutNoColor, hasProgram, OutputLines, runOnTerminal } from "./_output_lines.ts";

/** A configuration whose endpoint shows what NO_COLOR the CLI got (`check` prints it). */
const NO_COLOR_PROBE = `a1.sources = w1
a1.channels = c1
a1.sinks = k1
a1.sources.w1.type = websocket
a1.sources.w1.endpoint = ws://127.0.0.1:9/no-color-\${env:NO_COLOR}
a1.sources.w1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
`;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Result> {
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd,
    env: options.env ?? envWithoutNoColor(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("make install PREFIX=DIR installs a flume-ws that runs every command", async (t) => {
  await withTempDir(async (dir) => {
    const prefix = `${dir}/prefix`;
    const bin = `${prefix}/bin/flume-ws`;
    const made = await run("make", ["install", `PREFIX=${prefix}`], { cwd: REPO_ROOT });
    strictEqual(made.code, 0, made.stderr);
    match(made.stderr, new RegExp(`Installed ${prefix}/bin/flume-ws`));

    await t.step("the launcher runs main.ts with the agent task's permissions", async () => {
      const script = await Deno.readTextFile(bin);
      ok(script.startsWith("#!/bin/sh\n"), script);
      ok(script.includes(` run ${TASK_PERMISSIONS.join(" ")} `), script);
      ok(script.includes(`'${REPO_ROOT}main.ts' "$@"`), script);
      strictEqual((await Deno.stat(bin)).mode! & 0o755, 0o755);
    });
    await t.step("--help and version", async () => {
      const help = await run(bin, ["--help"], { cwd: dir });
      strictEqual(help.code, 0, help.stderr);
      match(help.stdout, /^flume-ws: an Apache Flume-compatible agent/);
      const version = await run(bin, ["version"], { cwd: dir });
      match(version.stdout, /^flume-ws \d+\.\d+\.\d+ \(deno 2\.9\.\d+/);
    });
    await t.step("check -f conf/flume.conf -n a1, in the checkout", async () => {
      const { code, stdout, stderr } = await run(bin, [
        "check",
        "-f",
        "conf/flume.conf",
        "-n",
        "a1",
      ], {
        cwd: REPO_ROOT,
      });
      strictEqual(code, 0, stderr);
      match(stdout, /^Agent "a1" in conf\/flume\.conf is valid$/m);
    });
    await t.step("check from another directory (deno.json found by the launcher)", async () => {
      const conf = `${REPO_ROOT}conf/flume.conf`;
      const { code, stdout, stderr } = await run(bin, ["check", "-f", conf, "-n", "a1"], {
        cwd: dir,
      });
      strictEqual(code, 0, stderr);
      match(stdout, /endpoint = ws:\/\/127\.0\.0\.1:8765\//);
    });
    await t.step("keystore and feed", async () => {
      const pem = `${REPO_ROOT}tests/fixtures/tls/ca.pem`;
      const keystore = await run(bin, ["keystore", "-f", pem], { cwd: dir });
      strictEqual(keystore.code, 0, keystore.stderr);
      match(keystore.stdout, /^Type: PEM$/m);
      const feed = await run(bin, ["feed", "--port", "99999"], { cwd: dir });
      strictEqual(feed.code, 2);
      match(feed.stderr, /^error: Invalid --port "99999"/);
    });
    await t.step("agent streams the feed's ticks and stops on SIGTERM", async () => {
      const feed = await startFeed({ port: 0, rate: 50, log: SILENT_LOG });
      try {
        const text = await Deno.readTextFile(`${REPO_ROOT}conf/flume.conf`);
        const conf = `${dir}/flume.conf`;
        await Deno.writeTextFile(conf, text.replace(":8765/", `:${feed.port}/`));
        const child = new Deno.Command(bin, {
          args: ["agent", "-n", "a1", "-f", conf],
          cwd: dir,
          stdin: "null",
          stdout: "null",
          stderr: "piped",
        }).spawn();
        const stderr = new OutputLines(child.stderr);
        try {
          await stderr.waitFor(/sink\.l1: Event: .*\{"type":"ticker"/);
        } finally {
          child.kill("SIGTERM"); // the launcher exec's Deno: the agent gets it
          await stderr.ended();
        }
        strictEqual((await child.status).code, 0, stderr.text);
      } finally {
        await feed.close();
      }
    });

    await Deno.writeTextFile(`${dir}/probe.conf`, NO_COLOR_PROBE);
    const probe = ["check", "-n", "a1", "-f", `${dir}/probe.conf`];
    await t.step("output into a pipe: NO_COLOR=1 for Deno's own messages", async () => {
      const { code, stdout, stderr } = await run(bin, probe, { cwd: dir });
      strictEqual(code, 0, stderr);
      match(stdout, /endpoint = ws:\/\/127\.0\.0\.1:9\/no-color-1$/m);
      ok(!stdout.includes("\x1b") && !stderr.includes("\x1b"));
    });
    const terminal = await hasProgram("script");
    await t.step({
      name: "on a terminal: colour left to Deno, NO_COLOR as the user set it",
      ignore: !terminal,
      fn: async () => {
        const line = `'${bin}' ${probe.join(" ")}`;
        const unset = await runOnTerminal(line, { cwd: dir, env: envWithoutNoColor() });
        strictEqual(unset.code, 2, unset.text);
        ok(unset.text.includes("${env:NO_COLOR}"), unset.text);
        const set = await runOnTerminal(line, {
          cwd: dir,
          env: { ...envWithoutNoColor(), NO_COLOR: "yes" },
        });
        strictEqual(set.code, 0, set.text);
        match(set.text, /no-color-yes/);
      },
    });
    await t.step("make uninstall removes it", async () => {
      const removed = await run("make", ["uninstall", `PREFIX=${prefix}`], { cwd: REPO_ROOT });
      strictEqual(removed.code, 0, removed.stderr);
      strictEqual(await Deno.stat(bin).then(() => true, () => false), false);
    });
  });
});
