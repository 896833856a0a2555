import { deepStrictEqual } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";

/** `[severity, property, message]` of the issues of source `r1` of `type` with these lines. */
function issues(type: string, lines: string[]): [string, string | undefined, string][] {
  const text = [
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    `a1.sources.r1.type = ${type}`,
    "a1.sources.r1.channels = c1",
    ...lines,
  ].join("\n");
  let found: readonly ConfigIssue[];
  try {
    found = loadAgentConfig(text, {
      file: "n.conf",
      agent: "a1",
      lookup: builtinRegistry(),
      variables: { env: () => undefined, sys: {} },
    }).warnings;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    found = err.issues;
  }
  return found.filter((i) => i.component === "sources.r1").map((i) => [
    i.severity,
    i.property,
    i.message,
  ]);
}

for (const type of ["netcat", "org.apache.flume.source.NetcatSource", "netcatudp"]) {
  Deno.test(`${type} source needs bind and port`, () => {
    deepStrictEqual(issues(type, []), [
      ["error", "bind", 'Missing required property "bind"'],
      ["error", "port", 'Missing required property "port"'],
    ]);
    deepStrictEqual(
      issues(type, ["a1.sources.r1.bind = 0.0.0.0", "a1.sources.r1.port = 6666"]),
      [],
    );
  });
}

Deno.test("netcat source refuses a port or max-line-length out of range", () => {
  const found = issues("netcat", [
    "a1.sources.r1.bind = localhost",
    "a1.sources.r1.port = 65536",
    "a1.sources.r1.max-line-length = 0",
    "a1.sources.r1.ack-every-event = maybe",
  ]);
  deepStrictEqual(found.map(([severity, property]) => [severity, property]), [
    ["error", "port"],
    ["error", "max-line-length"],
    ["error", "ack-every-event"],
  ]);
});

Deno.test("netcatudp source is found by Flume's class name and takes remoteAddressHeader", () => {
  deepStrictEqual(
    issues("org.apache.flume.source.NetcatUdpSource", [
      "a1.sources.r1.bind = 0.0.0.0",
      "a1.sources.r1.port = 6666",
      "a1.sources.r1.remoteAddressHeader = remote",
    ]),
    [],
  );
});
