/**
 * The avro sink's configuration as loadAgentConfig reports it: each
 * problem with its file, line and property; secrets never in a message.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ConfigIssue } from "../../src/config/diagnostics.ts";
import { componentIssues } from "../support/config_issues.ts";
import { REPO_ROOT } from "../support/cli.ts";

const TLS = `${REPO_ROOT}tests/fixtures/tls`;

/** The issues of sink `k1` (lines 1–6 fixed, the test's lines from 7): `[severity, line, property, message]`. */
function issues(
  lines: string[],
): { list: [string, number | undefined, string | undefined, string][]; all: ConfigIssue[] } {
  const text = [
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.channels.c1.type = memory",
    "a1.channels.c1.transactionCapacity = 100",
    "a1.sinks.k1.type = avro",
    "a1.sinks.k1.channel = c1",
    ...lines,
  ].join("\n");
  const all = componentIssues(text, "to-flume.conf", "sinks.k1");
  for (const issue of all) equal(issue.file, "to-flume.conf");
  return { list: all.map((i) => [i.severity, i.line, i.property, i.message]), all };
}

const TARGET = ["a1.sinks.k1.hostname = 127.0.0.1", "a1.sinks.k1.port = 4545"];

Deno.test("avro sink needs hostname and port, and a valid one is accepted with Flume's defaults", () => {
  deepStrictEqual(issues([]).list, [
    ["error", 5, "hostname", 'Missing required property "hostname"'],
    ["error", 5, "port", 'Missing required property "port"'],
  ]);
  deepStrictEqual(issues(TARGET).list, []);
  deepStrictEqual(
    issues(["a1.sinks.k1.type = org.apache.flume.sink.AvroSink", ...TARGET]).list,
    [],
    "Flume's class name is an alias",
  );
});

Deno.test("avro sink reports bad values on their lines", () => {
  const { list } = issues([
    ...TARGET,
    "a1.sinks.k1.compression-type = gzip",
    "a1.sinks.k1.compression-level = 10",
    "a1.sinks.k1.batch-size = 500",
    "a1.sinks.k1.request-timeout = soon",
  ]);
  const byProperty = new Map(
    list.map(([severity, line, property]) => [property, [severity, line]]),
  );
  deepStrictEqual(byProperty.get("compression-type"), ["error", 9]);
  deepStrictEqual(byProperty.get("compression-level"), ["error", 10]);
  deepStrictEqual(byProperty.get("request-timeout"), ["error", 12]);
  ok(
    list.some(([severity, , property, message]) =>
      severity === "error" && property === "batch-size" && /transactionCapacity/.test(message)
    ),
    JSON.stringify(list),
  );
});

Deno.test("avro sink warns as Flume does about timeouts below 1 s and TLS settings without ssl", () => {
  const { list } = issues([
    ...TARGET,
    "a1.sinks.k1.connect-timeout = 500",
    "a1.sinks.k1.truststore = /nowhere.jks",
  ]);
  deepStrictEqual(list, [
    [
      "warning",
      9,
      "connect-timeout",
      "connect-timeout 500 ms is below Flume's 1000 ms minimum: 20000 ms is used",
    ],
    ["warning", 10, "truststore", "truststore does nothing without ssl = true: ignored"],
  ]);
});

Deno.test("avro sink reads its truststore during validation: a missing file or a wrong password is an error", () => {
  const missing = issues([
    ...TARGET,
    "a1.sinks.k1.ssl = true",
    "a1.sinks.k1.truststore = /nowhere/trust.jks",
  ]);
  equal(missing.list.length, 1);
  equal(missing.list[0][0], "error");
  equal(missing.list[0][2], "truststore");
  ok(/Cannot read truststore "\/nowhere\/trust\.jks"/.test(missing.list[0][3]), missing.list[0][3]);

  const wrong = issues([
    ...TARGET,
    "a1.sinks.k1.ssl = true",
    `a1.sinks.k1.truststore = ${TLS}/truststore.jks`,
    "a1.sinks.k1.truststore-password = not-the-password-42",
  ]);
  equal(wrong.list.length, 1);
  equal(wrong.list[0][2], "truststore");
  equal(wrong.all[0].hint, "check truststore-password");
  ok(!JSON.stringify(wrong.all).includes("not-the-password-42"), "the password is never shown");

  deepStrictEqual(
    issues([
      ...TARGET,
      "a1.sinks.k1.ssl = true",
      `a1.sinks.k1.truststore = ${TLS}/truststore.jks`,
      "a1.sinks.k1.truststore-password = changeit",
    ]).list,
    [],
  );
});
