import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import type { ConfigIssue } from "../../src/config/diagnostics.ts";
import { componentIssues } from "../support/config_issues.ts";
import { REPO_ROOT, runCli, withTempDir } from "../support/cli.ts";

const TLS = join(REPO_ROOT, "tests/fixtures/tls");

const HEAD = [
  "a1.sources = r1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sources.r1.type = http",
  "a1.sources.r1.channels = c1",
];

/** Errors and warnings of the source `r1` for these extra lines. */
function issues(lines: string[]): ConfigIssue[] {
  return componentIssues([...HEAD, ...lines].join("\n"), "h.conf", "sources.r1");
}

/** `[severity, property, message]` of each issue. */
function summary(found: ConfigIssue[]): [string, string | undefined, string][] {
  return found.map((i) => [i.severity, i.property, i.message]);
}

Deno.test("http source needs a port and accepts Flume's defaults otherwise", () => {
  deepStrictEqual(summary(issues([])), [["error", "port", 'Missing required property "port"']]);
  deepStrictEqual(issues(["a1.sources.r1.port = 5140"]), []);
});

Deno.test("http source refuses a handler it does not have", () => {
  const found = issues([
    "a1.sources.r1.port = 5140",
    "a1.sources.r1.handler = org.example.rest.RestHandler",
  ]);
  equal(found.length, 1);
  equal(found[0].severity, "error");
  equal(found[0].property, "handler");
});

Deno.test("http source with ssl needs a keystore with a private key and the right password", async (t) => {
  const port = "a1.sources.r1.port = 5140";
  const ssl = "a1.sources.r1.ssl = true";
  await t.step("no keystore", () => {
    deepStrictEqual(summary(issues([port, ssl])), [
      ["error", "ssl", "ssl = true needs keystore: the server's key and certificate"],
    ]);
  });
  await t.step("a truststore has no private key", () => {
    const found = issues([
      port,
      ssl,
      `a1.sources.r1.keystore = ${join(TLS, "truststore.jks")}`,
      "a1.sources.r1.keystore-password = changeit",
    ]);
    equal(found.length, 1);
    equal(found[0].property, "keystore");
    ok(/has no private key/.test(found[0].message), found[0].message);
  });
  await t.step("a wrong password", () => {
    const found = issues([
      port,
      ssl,
      `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
      "a1.sources.r1.keystore-password = wrong-one",
    ]);
    equal(found.length, 1);
    equal(found[0].property, "keystore");
    equal(found[0].hint, "check keystore-password");
    ok(!JSON.stringify(found).includes("wrong-one"), "the password is never shown");
  });
  await t.step("a JKS keystore with its key reads without a problem", () => {
    deepStrictEqual(
      issues([
        port,
        ssl,
        `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
        "a1.sources.r1.keystore-password = changeit",
      ]),
      [],
    );
  });
  await t.step("the deprecated enableSSL and keystorePassword still work, with a warning", () => {
    deepStrictEqual(
      summary(issues([
        port,
        "a1.sources.r1.enableSSL = true",
        `a1.sources.r1.keystore = ${join(TLS, "client.p12")}`,
        "a1.sources.r1.keystorePassword = changeit",
      ])),
      [
        ["warning", "enableSSL", "enableSSL is deprecated: use ssl"],
        ["warning", "keystorePassword", "keystorePassword is deprecated: use keystore-password"],
      ],
    );
  });
});

Deno.test("http source warns about what Deno cannot honour, and about ignored settings", () => {
  const keystore = [
    "a1.sources.r1.ssl = true",
    `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
    "a1.sources.r1.keystore-password = changeit",
  ];
  deepStrictEqual(
    summary(issues([
      "a1.sources.r1.port = 5140",
      ...keystore,
      "a1.sources.r1.exclude-protocols = SSLv3 TLSv1 TLSv1.2",
      "a1.sources.r1.include-protocols = TLSv1.3",
      "a1.sources.r1.include-cipher-suites = TLS_AES_128_GCM_SHA256",
      "a1.sources.r1.handler.nickname = random props",
      "a1.sources.r1.HttpConfiguration.sendServerVersion = false",
      "a1.sources.r1.ServerConnector.idleTimeout = 300",
    ])).map(([severity, property]) => [severity, property]),
    [
      ["warning", "exclude-protocols"],
      ["warning", "include-protocols"],
      ["warning", "include-cipher-suites"],
      ["warning", "handler.nickname"],
      ["warning", "HttpConfiguration.sendServerVersion"],
      ["warning", "ServerConnector.idleTimeout"],
    ],
  );
  deepStrictEqual(
    summary(issues([
      "a1.sources.r1.port = 5140",
      `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
      "a1.sources.r1.exclude-cipher-suites = X",
    ])),
    [
      ["warning", "keystore", "keystore does nothing without ssl = true: ignored"],
      [
        "warning",
        "exclude-cipher-suites",
        "exclude-cipher-suites does nothing without ssl = true: ignored",
      ],
    ],
  );
  deepStrictEqual(
    issues([
      "a1.sources.r1.port = 5140",
      "a1.sources.r1.handler = blob",
      "a1.sources.r1.handler.maxBlobLength = 10",
    ]),
    [],
    "maxBlobLength is the BlobHandler's",
  );
});

Deno.test("check shows an http source's keystore password nowhere", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "h.conf");
    const password = "changeit";
    await Deno.writeTextFile(
      file,
      [
        ...HEAD,
        "a1.sources.r1.port = 5140",
        "a1.sources.r1.ssl = true",
        `a1.sources.r1.keystore = ${join(TLS, "client.jks")}`,
        `a1.sources.r1.keystore-password = ${password}`,
        "a1.sources.r1.include-cipher-suites = X",
        "a1.sinks = k1",
        "a1.sinks.k1.type = null",
        "a1.sinks.k1.channel = c1",
      ].join("\n"),
    );
    const result = await runCli(["check", "-n", "a1", "-f", file]);
    equal(result.code, 0, result.stderr);
    ok(/include-cipher-suites/.test(result.stdout + result.stderr), "the warning is shown");
    ok(!(result.stdout + result.stderr).includes(password), result.stdout + result.stderr);
  });
});
