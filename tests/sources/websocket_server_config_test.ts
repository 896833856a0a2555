import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import type { ConfigIssue } from "../../src/config/diagnostics.ts";
import { componentIssues } from "../support/config_issues.ts";
import { REPO_ROOT, runCli, withTempDir } from "../support/cli.ts";

const TLS = join(REPO_ROOT, "tests/fixtures/tls");

const HEAD = [
  "a1.sources = r1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sources.r1.type = websocket_server",
  "a1.sources.r1.channels = c1",
];
const LISTEN = ["a1.sources.r1.bind = 127.0.0.1", "a1.sources.r1.port = 8080"];

/** Errors and warnings of the source `r1` for these extra lines. */
function issues(lines: string[]): ConfigIssue[] {
  return componentIssues([...HEAD, ...lines].join("\n"), "w.conf", "sources.r1");
}

/** `[severity, property, message]` of each issue. */
function summary(found: ConfigIssue[]): [string, string | undefined, string][] {
  return found.map((i) => [i.severity, i.property, i.message]);
}

Deno.test("websocket_server needs bind and port, and takes its defaults otherwise", () => {
  deepStrictEqual(summary(issues([])), [
    ["error", "bind", 'Missing required property "bind"'],
    ["error", "port", 'Missing required property "port"'],
  ]);
  deepStrictEqual(issues(LISTEN), []);
});

Deno.test("websocket_server refuses a path that is not absolute and origins that are not origins", () => {
  const found = issues([
    ...LISTEN,
    "a1.sources.r1.path = events",
    "a1.sources.r1.allowedOrigins = https://ok.example.com https://bad.example.com/path",
  ]);
  deepStrictEqual(found.map((i) => [i.severity, i.property]), [
    ["error", "path"],
    ["error", "allowedOrigins"],
  ]);
  match(found[1].message, /Invalid origin "https:\/\/bad\.example\.com\/path"/);
});

Deno.test("websocket_server checks maxConnections, maxMessageSize and backlogCapacity ranges", () => {
  const found = issues([
    ...LISTEN,
    "a1.sources.r1.maxConnections = 0",
    "a1.sources.r1.maxMessageSize = 134217728",
    "a1.sources.r1.backlogCapacity = 0",
  ]);
  deepStrictEqual(found.map((i) => [i.severity, i.property]), [
    ["error", "maxConnections"],
    ["error", "maxMessageSize"],
    ["error", "backlogCapacity"],
  ]);
});

Deno.test("websocket_server with ssl needs a keystore with a private key and the right password", async (t) => {
  const ssl = "a1.sources.r1.ssl = true";
  await t.step("no keystore", () => {
    deepStrictEqual(summary(issues([...LISTEN, ssl])), [
      ["error", "ssl", "ssl = true needs keystore: the server's key and certificate"],
    ]);
  });
  await t.step("a wrong password", () => {
    const found = issues([
      ...LISTEN,
      ssl,
      `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
      "a1.sources.r1.keystore-password = n0t-th3-pa55",
    ]);
    equal(found.length, 1);
    equal(found[0].property, "keystore");
    equal(found[0].hint, "check keystore-password");
    ok(!found[0].message.includes("n0t-th3-pa55"), "the password is not shown");
  });
  await t.step("the right one", () => {
    deepStrictEqual(
      issues([
        ...LISTEN,
        ssl,
        `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
        "a1.sources.r1.keystore-password = changeit",
      ]),
      [],
    );
  });
  await t.step("keystore without ssl is a warning", () => {
    deepStrictEqual(summary(issues([...LISTEN, "a1.sources.r1.keystore = /x.p12"])), [
      ["warning", "keystore", "keystore does nothing without ssl = true: ignored"],
    ]);
  });
});

Deno.test("websocket_server refuses client certificates: Deno's TLS server cannot verify them", () => {
  for (
    const line of ["a1.sources.r1.requireClientAuth = true", "a1.sources.r1.truststore = /ca.jks"]
  ) {
    const found = issues([...LISTEN, line]);
    equal(found.length, 1, line);
    equal(found[0].severity, "error");
    match(found[0].message, /Client certificates are not supported: Deno's TLS server/);
  }
});

Deno.test("websocket_server refuses empty header names", () => {
  deepStrictEqual(
    summary(issues([...LISTEN, "a1.sources.r1.clientAddressHeader = "])).map((s) => s[1]),
    ["clientAddressHeader"],
  );
});

Deno.test("check accepts a websocket_server source and shows its keystore password nowhere", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "w.conf");
    const password = "changeit";
    await Deno.writeTextFile(
      file,
      [
        ...HEAD,
        ...LISTEN,
        "a1.sources.r1.ssl = true",
        `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
        `a1.sources.r1.keystore-password = ${password}`,
        "a1.sources.r1.allowedOrigins = https://app.example.com",
        "a1.sinks = k1",
        "a1.sinks.k1.type = null",
        "a1.sinks.k1.channel = c1",
      ].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    const output = result.stdout + result.stderr;
    equal(result.code, 0, output);
    match(output, /websocket_server/);
    ok(!output.includes(password), output);
  });
});

Deno.test("check refuses a websocket_server source asking for client certificates, exit code 2", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "w.conf");
    await Deno.writeTextFile(
      file,
      [...HEAD, ...LISTEN, "a1.sources.r1.requireClientAuth = true"].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    equal(result.code, 2);
    match(
      result.stdout + result.stderr,
      /requireClientAuth.*Client certificates are not supported/s,
    );
  });
});
