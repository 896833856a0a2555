/**
 * The avro source's configuration as loadAgentConfig reports it: each
 * problem with its file, line and property; secrets never in a message.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ConfigIssue } from "../../src/config/diagnostics.ts";
import { componentIssues } from "../support/config_issues.ts";
import { REPO_ROOT } from "../support/cli.ts";

const SERVER_JKS = `${REPO_ROOT}tests/peers/flume/server.jks`;
const TLS = `${REPO_ROOT}tests/fixtures/tls`;

/** The issues of source `r1` (lines 1–5 fixed, the test's from 6): `[severity, line, property, message]`. */
function issues(
  lines: string[],
): { list: [string, number | undefined, string | undefined, string][]; all: ConfigIssue[] } {
  const text = [
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.r1.type = avro",
    "a1.sources.r1.channels = c1",
    ...lines,
  ].join("\n");
  const all = componentIssues(text, "collector.conf", "sources.r1");
  for (const issue of all) equal(issue.file, "collector.conf");
  return { list: all.map((i) => [i.severity, i.line, i.property, i.message]), all };
}

const LISTEN = ["a1.sources.r1.bind = 0.0.0.0", "a1.sources.r1.port = 4141"];

Deno.test("avro source needs bind and port; the guide's example is accepted", () => {
  deepStrictEqual(issues([]).list, [
    ["error", 4, "bind", 'Missing required property "bind"'],
    ["error", 4, "port", 'Missing required property "port"'],
  ]);
  deepStrictEqual(issues(LISTEN).list, []);
  deepStrictEqual(
    issues(["a1.sources.r1.type = org.apache.flume.source.AvroSource", ...LISTEN]).list,
    [],
  );
});

Deno.test("avro source: ipFilter = true needs rules, and a malformed rule is an error on its line", () => {
  deepStrictEqual(issues([...LISTEN, "a1.sources.r1.ipFilter = true"]).list, [
    ["error", 8, "ipFilter", "ipFilter = true needs ipFilterRules"],
  ]);
  deepStrictEqual(
    issues([
      ...LISTEN,
      "a1.sources.r1.ipFilter = true",
      "a1.sources.r1.ipFilterRules = allow:ip:127.*,permit:ip:*",
    ])
      .list,
    [[
      "error",
      9,
      "ipFilterRules",
      'Invalid ipFilter rule "permit:ip:*": expected <allow|deny>:<ip|name>:<pattern>',
    ]],
  );
  deepStrictEqual(issues([...LISTEN, "a1.sources.r1.ipFilterRules = deny:ip:*"]).list, [
    ["warning", 8, "ipFilterRules", "ipFilterRules does nothing without ipFilter = true: ignored"],
  ]);
  deepStrictEqual(
    issues([...LISTEN, "a1.sources.r1.compression-type = zip"]).list.map((i) => i.slice(0, 3)),
    [
      ["error", 8, "compression-type"],
    ],
  );
});

Deno.test("avro source: ssl needs a keystore with the server's key, read during validation", () => {
  deepStrictEqual(issues([...LISTEN, "a1.sources.r1.ssl = true"]).list, [
    ["error", 8, "ssl", "ssl = true needs keystore: the server's key and certificate"],
  ]);
  const wrong = issues([
    ...LISTEN,
    "a1.sources.r1.ssl = true",
    `a1.sources.r1.keystore = ${SERVER_JKS}`,
    "a1.sources.r1.keystore-password = wrong-secret-99",
  ]);
  equal(wrong.list.length, 1);
  equal(wrong.list[0][2], "keystore");
  equal(wrong.all[0].hint, "check keystore-password");
  ok(!JSON.stringify(wrong.all).includes("wrong-secret-99"), "the password is never shown");
  const truststore = issues([
    ...LISTEN,
    "a1.sources.r1.ssl = true",
    `a1.sources.r1.keystore = ${TLS}/truststore.jks`,
    "a1.sources.r1.keystore-password = changeit",
  ]);
  ok(/has no private key/.test(truststore.list[0]?.[3] ?? ""), JSON.stringify(truststore.list));
  deepStrictEqual(
    issues([
      ...LISTEN,
      "a1.sources.r1.ssl = true",
      `a1.sources.r1.keystore = ${SERVER_JKS}`,
      "a1.sources.r1.keystore-password = changeit",
      "a1.sources.r1.threads = 4",
    ]).list,
    [[
      "warning",
      11,
      "threads",
      "threads is not needed: connections are served on Deno's event loop: ignored",
    ]],
  );
});
