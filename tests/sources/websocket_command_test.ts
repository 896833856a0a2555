import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { runCommand, splitCommand } from "../../src/sources/websocket/credential_command.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { REPO_ROOT, runCli, TASK_PERMISSIONS, withTempDir } from "../support/cli.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "5" };

/** Writes an executable shell script into `dir` and returns its path. */
function script(dir: string, name: string, body: string): string {
  const path = `${dir}/${name}`;
  Deno.writeTextFileSync(path, `#!/bin/sh\n${body}\n`);
  Deno.chmodSync(path, 0o755);
  return path;
}

/** A script printing `PREFIX-N`, N counting its runs (kept in a file beside it). */
function counterScript(dir: string): string {
  return script(
    dir,
    "next-token.sh",
    `f="$1.count"; n=$(cat "$f" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$f"\n` +
      `echo "$2-$n"`,
  );
}

Deno.test("websocket source runs its credential commands at every connection attempt", async () => {
  const dir = Deno.makeTempDirSync();
  const next = counterScript(dir);
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url("/feed?v=1"),
    ...FAST,
    "header.Authorization.command": `${next} ${dir}/auth "Bearer tok"`,
    "initMessage.command": `${next} ${dir}/init 'auth'`,
    initMessages: "sub",
    "initMessage.sub": "subscribe",
    "endpoint.query.sig.command": `${next} ${dir}/sig sig`,
  });
  try {
    await h.source.start();
    for (let n = 1; n <= 3; n++) {
      const connection = await server.connection(n);
      await server.until(() => connection.received.length === 2, `init messages #${n}`);
      const handshake = server.handshakes[n - 1];
      strictEqual(handshake.headers.get("authorization"), `Bearer tok-${n}`);
      strictEqual(handshake.path, `/feed?v=1&sig=sig-${n}`);
      deepStrictEqual(connection.received, [`auth-${n}`, "subscribe"]);
      await connection.close(1001, "go away"); // forces a reconnect
    }
    // The values are secrets: never logged.
    ok(h.log.entries.every((e) => !/tok-\d|sig-\d|auth-\d/.test(e.message)));
  } finally {
    await h.source.stop();
    await server.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("websocket source counts a failing command as a failed attempt, logs stderr, not stdout", async () => {
  const dir = Deno.makeTempDirSync();
  const failing = script(dir, "fail.sh", `echo "SECRET-STDOUT"\necho "key not found" >&2\nexit 3`);
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    "header.Authorization.command": failing,
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 2, "two failed attempts");
    strictEqual(server.handshakes.length, 0);
    strictEqual(h.counters.get("ConnectionCreatedCount"), 0);
    const warnings = h.log.messages("warn").join("\n");
    match(warnings, /header\.Authorization\.command said: key not found/);
    match(
      warnings,
      /Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: header\.Authorization\.command failed: exit code 3/,
    );
    ok(h.log.entries.every((e) => !e.message.includes("SECRET-STDOUT")), "stdout was logged");
    match(h.source.source.health?.().lastError ?? "", /exit code 3/);
  } finally {
    await h.source.stop();
    await server.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("websocket source kills a command that outlives commandTimeout, and retries", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    commandTimeout: "0.3",
    "initMessage.command": "sleep 60",
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 2, "two timed-out attempts");
    strictEqual(server.handshakes.length, 0);
    match(
      h.log.messages("warn").join("\n"),
      /initMessage\.command did not finish within 0\.3 s \(commandTimeout\): killed/,
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source refuses a command's header value holding CR LF", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    "header.X-Token.command": `printf 'abc\\r\\nX-Injected: 1'`,
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 1, "a failed attempt");
    strictEqual(server.handshakes.length, 0);
    const warnings = h.log.messages("warn").join("\n");
    match(warnings, /header\.X-Token\.command printed: .*CR, LF or NUL/);
    ok(!warnings.includes("X-Injected"));
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("splitCommand splits words and quotes as a shell does, without a shell", () => {
  deepStrictEqual(splitCommand("/bin/sign --key-env API_KEY"), [
    "/bin/sign",
    "--key-env",
    "API_KEY",
  ]);
  deepStrictEqual(splitCommand(`sh -c 'echo "$TOKEN" | tr a-z A-Z'`), [
    "sh",
    "-c",
    'echo "$TOKEN" | tr a-z A-Z',
  ]);
  deepStrictEqual(splitCommand(`a "b c" d\\ e "q\\"x" ''`), ["a", "b c", "d e", 'q"x', ""]);
  deepStrictEqual(splitCommand("  x\t y  "), ["x", "y"]);
  throws(() => splitCommand("a 'b"), /unterminated ' quote/);
  throws(() => splitCommand('a "b'), /unterminated " quote/);
  throws(() => splitCommand("   "), /empty/);
});

/** Loads a1.sources.w1 (websocket) with these `w1` properties. */
function load(lines: string[]): ReturnType<typeof loadAgentConfig> {
  const head = [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
    "a1.sources.w1.endpoint = ws://feed.example:8080/",
  ];
  return loadAgentConfig([...head, ...lines.map((l) => `a1.sources.w1.${l}`)].join("\n"), {
    file: "w.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: () => undefined, sys: {} },
  });
}

/** The issues of loading these `w1` properties, errors and warnings, about the source. */
function issues(lines: string[]): ConfigIssue[] {
  try {
    return [...load(lines).warnings].filter((i) => i.component === "sources.w1");
  } catch (err) {
    if (err instanceof ConfigError) {
      return [...err.issues].filter((i) => i.component === "sources.w1");
    }
    throw err;
  }
}

Deno.test("loadAgentConfig checks the credential commands", async (t) => {
  await t.step("commands are known properties; commandTimeout defaults to 10 s", () => {
    deepStrictEqual(
      issues([
        "header.Authorization.command = /bin/true",
        "initMessage.command = /bin/true",
        "initMessages = a",
        "initMessage.a.command = /bin/true",
        "endpoint.query.token.command = /bin/true",
      ]),
      [],
    );
    strictEqual(load([]).sources[0].config.commandTimeout, 10_000);
  });
  await t.step("an unterminated quote is an error on its property", () => {
    const found = issues(["header.Authorization.command = sign 'oops"]);
    strictEqual(found.length, 1);
    strictEqual(found[0].property, "header.Authorization.command");
    match(found[0].message, /unterminated ' quote/);
  });
  await t.step("a value and its command both set is an error", () => {
    const found = issues(["initMessage = hi", "initMessage.command = /bin/true"]);
    strictEqual(found[0]?.property, "initMessage.command");
    match(found[0].message, /initMessage and initMessage\.command are both set/);
    const headers = issues(["header.X-A = 1", "header.X-A.command = /bin/true"]);
    match(headers[0]?.message ?? "", /header\.X-A and header\.X-A\.command are both set/);
  });
  await t.step("initMessages may list an ID given by command; an unlisted one is a warning", () => {
    deepStrictEqual(issues(["initMessages = a", "initMessage.a.command = /bin/true"]), []);
    const found = issues(["initMessage.b.command = /bin/true"]);
    strictEqual(found[0]?.severity, "warning");
    match(found[0].message, /initMessage\.b\.command is not listed in initMessages/);
  });
});

Deno.test("check masks the commands, and warns when the agent may not run them", async (t) => {
  await withTempDir(async (dir) => {
    const file = `${dir}/f.conf`;
    await Deno.writeTextFile(
      file,
      [
        "a1.sources = w1",
        "a1.channels = c1",
        "a1.channels.c1.type = memory",
        "a1.sources.w1.type = websocket",
        "a1.sources.w1.channels = c1",
        "a1.sources.w1.endpoint = ws://feed.example:8080/",
        "a1.sources.w1.header.Authorization.command = sign --key hunter2",
      ].join("\n"),
    );
    await t.step("with --allow-run (the agent task's permissions)", async () => {
      const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", file]);
      strictEqual(code, 0, stdout + stderr);
      match(stdout, /header\.Authorization\.command = \*\*\*/);
      ok(!(stdout + stderr).includes("hunter2"));
      ok(!stderr.includes("--allow-run"), stderr);
    });
    await t.step("without --allow-run", async () => {
      const permissions = TASK_PERMISSIONS.filter((p) => p !== "--allow-run");
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...permissions, "--quiet", "main.ts", "check", "-n", "a1", "-f", file],
        cwd: REPO_ROOT,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      strictEqual(output.code, 0, stderr);
      match(stderr, /cannot run commands without --allow-run/);
      ok(!stderr.includes("hunter2"));
    });
  });
});

Deno.test("runCommand kills what the command started on a timeout, and refuses runaway output", async (t) => {
  await t.step("a pipeline under sh -c dies with it", async () => {
    await withTempDir(async (dir) => {
      const pidFile = `${dir}/grandchild.pid`;
      const argv = ["sh", "-c", `sleep 300 & echo $! > '${pidFile}'; wait`];
      const options = { timeoutMs: 500, log: SILENT_LOG, property: "header.X.command" };
      await runCommand(argv, options).then(
        () => ok(false, "expected a timeout"),
        (err) => match(String(err), /did not finish within 0.5 s/),
      );
      const pid = Number((await Deno.readTextFile(pidFile)).trim());
      await eventually(() => {
        try {
          Deno.kill(pid, "SIGCONT"); // signal 0 is not offered: a harmless signal probes it
          return false;
        } catch {
          return true; // gone
        }
      }, "the command's own child is killed too");
    });
  });

  await t.step("more than 64 KiB of output is a failed attempt", async () => {
    const argv = ["sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a"];
    const options = { timeoutMs: 10_000, log: SILENT_LOG, property: "initMessage.command" };
    await runCommand(argv, options).then(
      () => ok(false, "expected a refusal"),
      (err) => match(String(err), /printed more than 64 KiB/),
    );
  });
});
