import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { runCli, withTempDir } from "../support/cli.ts";

Deno.test("check accepts conf/flume.conf and every example configuration", async (t) => {
  const files = ["conf/flume.conf"];
  for await (const entry of Deno.readDir(new URL("../../conf/examples/", import.meta.url))) {
    if (entry.name.endsWith(".conf")) files.push(`conf/examples/${entry.name}`);
  }
  for (const file of files.sort()) {
    await t.step(file, async () => {
      const { code, stderr } = await runCli(["check", "-n", "a1", "-f", file]);
      strictEqual(code, 0, stderr);
      ok(!/ error: /.test(stderr), stderr);
    });
  }
});

Deno.test("check accepts the seed plugin's example configurations unchanged", async (t) => {
  for (const file of ["conf/examples/seed-echo.conf", "conf/examples/seed-coinbase.conf"]) {
    await t.step(file, async () => {
      const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", file]);
      strictEqual(code, 0, stderr);
      match(stdout, /w1 \(com\.deniscoady\.flume\.websocket\.WebSocketSource\) -> c1/);
      match(stdout, /retryDelay = 5\n/);
    });
  }
});

Deno.test("check masks cookie values and header values of a websocket source", async () => {
  await withTempDir(async (dir) => {
    const conf = `${dir}/secrets.conf`;
    await Deno.writeTextFile(
      conf,
      [
        "a1.sources = w1",
        "a1.channels = c1",
        "a1.channels.c1.type = memory",
        "a1.sources.w1.type = websocket",
        "a1.sources.w1.channels = c1",
        "a1.sources.w1.endpoint = wss://127.0.0.1:9/feed",
        "a1.sources.w1.cookies = c",
        "a1.sources.w1.cookie.c.name = session",
        `a1.sources.w1.cookie.c.value = "cookie-secret"`,
        "a1.sources.w1.header.Authorization = Bearer header-secret",
        "a1.sources.w1.keyStorePass = store-secret",
      ].join("\n"),
    );
    const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", conf]);
    strictEqual(code, 0, stderr);
    for (const secret of ["cookie-secret", "header-secret", "store-secret"]) {
      ok(!stdout.includes(secret) && !stderr.includes(secret), `${secret} not shown`);
    }
    match(stdout, /cookie\.c\.name = session/);
    match(stdout, /cookie\.c\.value = \*\*\*\*\*\*/);
    match(stdout, /header\.Authorization = \*\*\*\*\*\*/);
    match(stdout, /keyStorePass = \*\*\*\*\*\*/);
  });
});

Deno.test("check reports every websocket source error at once with its line, exit 2", async () => {
  await withTempDir(async (dir) => {
    const conf = `${dir}/bad.conf`;
    await Deno.writeTextFile(
      conf,
      [
        "a1.sources = w1 w2",
        "a1.channels = c1",
        "a1.channels.c1.type = memory",
        "a1.sources.w1.type = websocket",
        "a1.sources.w1.channels = c1",
        "a1.sources.w1.endpoint = ws://127.0.0.1:9/",
        "a1.sources.w1.sslEnabled = true",
        "a1.sources.w1.retryDelay = -1",
        "a1.sources.w2.type = websocket",
        "a1.sources.w2.channels = c1",
        "a1.sources.w2.endpoint = https://127.0.0.1/",
        "a1.sources.w2.cookies = x",
      ].join("\n"),
    );
    const { code, stderr } = await runCli(["check", "-n", "a1", "-f", conf]);
    strictEqual(code, 2);
    const errors = stderr.split("\n").filter((l) => / error: /.test(l)).map((l) =>
      l.replace(conf, "F")
    );
    deepStrictEqual(errors, [
      "F:7: error: sources.w1 sslEnabled: sslEnabled=true with a ws:// endpoint",
      `F:8: error: sources.w1 retryDelay: Invalid retryDelay "-1": must be greater than 0`,
      `F:11: error: sources.w2 endpoint: Invalid endpoint "https://127.0.0.1/": expected a ws:// or wss:// URL`,
      `F:12: error: sources.w2 cookies: Cookie "x" is listed in cookies but has no cookie.x.name`,
      `F:12: error: sources.w2 cookies: Cookie "x" is listed in cookies but has no cookie.x.value`,
    ]);
    ok(!/^\s+at /m.test(stderr), "no stack trace");
  });
});

Deno.test("check and agent stop with exit 2 on a keystore that cannot be opened", async (t) => {
  const fixtures = new URL("../fixtures/tls/", import.meta.url).pathname;
  await withTempDir(async (dir) => {
    const conf = `${dir}/ks.conf`;
    await Deno.writeTextFile(
      conf,
      [
        "a1.sources = w1",
        "a1.channels = c1",
        "a1.channels.c1.type = memory",
        "a1.sources.w1.type = websocket",
        "a1.sources.w1.channels = c1",
        "a1.sources.w1.endpoint = wss://127.0.0.1:9/",
        `a1.sources.w1.keyStorePath = ${fixtures}truststore.p12`,
        "a1.sources.w1.keyStorePass = not-the-password",
      ].join("\n"),
    );
    for (const command of ["check", "agent"]) {
      await t.step(command, async () => {
        const { code, stderr } = await runCli([command, "-n", "a1", "-f", conf]);
        strictEqual(code, 2);
        match(
          stderr,
          /ks\.conf:7: error: sources\.w1 keyStorePath: .*truststore\.p12.*wrong password/,
        );
        match(stderr, /hint: check keyStorePass/);
        ok(!stderr.includes("not-the-password"), "the password is not echoed");
        ok(!/^\s+at /m.test(stderr), "no stack trace");
      });
    }
  });
});
