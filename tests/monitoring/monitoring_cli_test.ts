import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { runCli, withTempDir } from "../support/cli.ts";
import { parsePrometheus } from "./_prometheus_parser.ts";
import { request } from "./_monitored_agent.ts";

const SEQ_TO_NULL = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 20
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
`;

const MONITORING_LINE =
  / INFO {2}monitoring\.(http|prometheus): Monitoring \(\1\) on (http:\/\/127\.0\.0\.1:\d+)\/metrics$/;

Deno.test("agent -Dflume.monitoring.type=http serves Flume's JSON where it says", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, SEQ_TO_NULL);
    const agent = new AgentProcess([
      "-n",
      "a1",
      "-f",
      conf,
      "-Dflume.monitoring.type=http",
      "-Dflume.monitoring.port=0",
      "-Dflume.monitoring.prot=1",
    ]);
    try {
      const [line] = await agent.waitFor(MONITORING_LINE);
      const base = MONITORING_LINE.exec(line)![2];
      await agent.waitFor(/Agent a1 started/);
      const metrics = await request(`${base}/metrics`);
      strictEqual(metrics.status, 200);
      const json = JSON.parse(metrics.text);
      deepStrictEqual(Object.keys(json).sort(), ["CHANNEL.c1", "SINK.k1", "SOURCE.r1"]);
      strictEqual(json["SOURCE.r1"].Type, "SOURCE");
      strictEqual(json["SOURCE.r1"].StopTime, "0");
      const health = await request(`${base}/health`);
      strictEqual(health.status, 200);
      strictEqual(JSON.parse(health.text).status, "ok");
      ok(
        agent.lines.some((l) =>
          / WARN {2}agent\.a1: Unknown -Dflume\.monitoring\.prot for monitoring type http: ignored$/
            .test(l)
        ),
        agent.dump(),
      );
      const monitoringAt = agent.lines.findIndex((l) => MONITORING_LINE.test(l));
      const startedAt = agent.lines.findIndex((l) => /Agent a1 started/.test(l));
      ok(monitoringAt < startedAt, "monitoring starts first");
    } finally {
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
    }
  });
});

Deno.test("agent -Dflume.monitoring.type=prometheus serves the text format", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, SEQ_TO_NULL);
    const agent = new AgentProcess([
      "-n",
      "a1",
      "-f",
      conf,
      "-Dflume.monitoring.type=prometheus",
      "-Dflume.monitoring.host=127.0.0.1",
      "-Dflume.monitoring.port=0",
    ]);
    try {
      const [line] = await agent.waitFor(MONITORING_LINE);
      const base = MONITORING_LINE.exec(line)![2];
      const metrics = await request(`${base}/metrics`);
      strictEqual(metrics.status, 200);
      match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const families = parsePrometheus(metrics.text);
      ok(families.has("flume_event_accepted_total"));
      strictEqual((await request(`${base}/health`)).status, 200);
    } finally {
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
    }
  });
});

Deno.test("agent refuses bad monitoring flags: exit 2, one line naming the flag", async (t) => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = taken.addr.port;
  try {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, SEQ_TO_NULL);
      const cases: [string[], RegExp][] = [
        [
          ["-Dflume.monitoring.type=ganglia"],
          /^error: Invalid -Dflume\.monitoring\.type "ganglia": expected http or prometheus$/,
        ],
        [
          ["-Dflume.monitoring.type=promethus"],
          /^error: Invalid -Dflume\.monitoring\.type "promethus": .*did you mean "prometheus"\?\)$/,
        ],
        [
          ["-Dflume.monitoring.port=41414"],
          /^error: Missing -Dflume\.monitoring\.type: expected http or prometheus/,
        ],
        [
          ["-Dflume.monitoring.type=http", "-Dflume.monitoring.port=65536"],
          /^error: Invalid -Dflume\.monitoring\.port "65536": must be at most 65535$/,
        ],
        [
          ["-Dflume.monitoring.type=http", "-Dflume.monitoring.port=-1"],
          /^error: Invalid -Dflume\.monitoring\.port "-1": must be at least 0$/,
        ],
        [
          ["-Dflume.monitoring.type=prometheus", "-Dflume.monitoring.port=http"],
          /^error: Invalid -Dflume\.monitoring\.port "http": expected a whole number$/,
        ],
        [
          ["-Dflume.monitoring.type=http", "-Dflume.monitoring.host=http://localhost"],
          /^error: Invalid -Dflume\.monitoring\.host "http:\/\/localhost": expected an address/,
        ],
        [
          ["-Dflume.monitoring.type=http", `-Dflume.monitoring.port=${port}`],
          new RegExp(
            `^error: Cannot listen on -Dflume\\.monitoring\\.port=${port}: 127\\.0\\.0\\.1:${port} is already in use`,
          ),
        ],
        [
          [
            "-Dflume.monitoring.type=http",
            "-Dflume.monitoring.host=host.invalid",
            "-Dflume.monitoring.port=0",
          ],
          // "host not found", or "DNS did not answer" where no resolver is reachable
          /^error: Cannot listen on -Dflume\.monitoring\.host=host\.invalid: (host not found: host\.invalid|cannot look up host host\.invalid: DNS did not answer)$/,
        ],
      ];
      for (const [flags, expected] of cases) {
        await t.step(flags.join(" "), async () => {
          const { code, stdout, stderr } = await runCli([
            "agent",
            "-n",
            "a1",
            "-f",
            conf,
            ...flags,
          ]);
          strictEqual(code, 2, stderr);
          strictEqual(stdout, "");
          const lines = stderr.trimEnd().split("\n");
          strictEqual(lines.length, 1, stderr);
          match(lines[0], expected);
        });
      }
    });
  } finally {
    taken.close();
  }
});
