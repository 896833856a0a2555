/**
 * Running the agent unattended: the status line, `--duration` and its exit
 * codes, `--log-format json`, and the LOGFILE appender. Black-box: a real
 * agent process each time.
 *
 * @module
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { SILENT_LOG } from "../../src/api/log.ts";
import { startFeed } from "../../src/feed/feed_server.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { runCli, withTempDir } from "../support/cli.ts";

/** A WebSocket source reading `endpoint` into a memory channel drained by a `sink` sink. */
function websocketConf(endpoint: string, sink = "null", extra = ""): string {
  return `
a1.sources = w1
a1.channels = c1
a1.sinks = k1
a1.sources.w1.type = websocket
a1.sources.w1.endpoint = ${endpoint}
a1.sources.w1.retryDelay = 1
a1.sources.w1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = ${sink}
a1.sinks.k1.channel = c1
${extra}`;
}

/** seq (totalEvents) -> memory -> the sink lines given. */
function seqConf(totalEvents: number, sink: string): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 100
a1.sources.r1.totalEvents = ${totalEvents}
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 10000
a1.channels.c1.transactionCapacity = 1000
a1.sinks.k1.channel = c1
${sink}`;
}

/** A loopback port where nothing listens. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const STATUS =
  /INFO {2}agent\.a1: status: source w1 (connected|disconnected) ([\d.,]+) ev\/s \| channel c1 (\d+|<1)% full \| sink k1 ([\d.,]+) ev\/s, (\d+) failed$/;

Deno.test("agent --status-interval logs a status line whose numbers move", async () => {
  const feed = await startFeed({ port: 0, rate: 50, log: SILENT_LOG });
  try {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, websocketConf(`ws://127.0.0.1:${feed.port}/`));
      const agent = new AgentProcess(["-n", "a1", "-f", conf, "--status-interval", "1"]);
      const lines = await agent.waitFor(/agent\.a1: status: /, 3);
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      const parsed = lines.map((line) => {
        const m = STATUS.exec(line);
        ok(m, `not a status line: ${line}`);
        return { state: m[1], source: Number(m[2].replace(/,/g, "")), sink: Number(m[4]) };
      });
      // The first interval includes connecting; by the later ones the feed's 50/s flows.
      for (const { state, source, sink } of parsed.slice(1)) {
        strictEqual(state, "connected");
        ok(source > 0 && source < 500, `source rate ${source}: the feed sends 50/s`);
        ok(sink > 0 && sink < 500, `sink rate ${sink}: the feed sends 50/s`);
      }
    });
  } finally {
    await feed.close();
  }
});

Deno.test("agent --duration 2s stops by itself, drains, and exits 0", async (t) => {
  await t.step("seq -> memory -> file_roll: every event is written", async () => {
    await withTempDir(async (dir) => {
      const total = 30_000;
      const conf = await tempConf(
        dir,
        seqConf(
          total,
          `a1.sinks.k1.type = file_roll\na1.sinks.k1.sink.directory = ${dir}/out\n` +
            `a1.sinks.k1.sink.batchSize = 500\n`,
        ),
      );
      const started = Date.now();
      const agent = new AgentProcess(["-n", "a1", "-f", conf, "--duration", "2s"]);
      const { code, stderr } = await agent.exit();
      const elapsed = Date.now() - started;
      strictEqual(code, 0, stderr.join("\n"));
      ok(elapsed >= 2000, `ran ${elapsed} ms`);
      const text = stderr.join("\n");
      match(text, /INFO {2}agent\.a1: --duration 2s is over: stopping sources, draining channels/);
      match(text, /Agent a1 stopped/);
      ok(!/still in channels|are lost|dropped/.test(text), text);
      let lines = 0;
      for await (const entry of Deno.readDir(`${dir}/out`)) {
        const body = await Deno.readTextFile(`${dir}/out/${entry.name}`);
        lines += body.split("\n").filter((l) => l !== "").length;
      }
      strictEqual(lines, total);
    });
  });
  await t.step("a sink slower than the source: what the channel holds is delivered", async () => {
    const received: string[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
      received.push(...(await r.text()).split("\n").filter((l) => l !== ""));
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new Response("ok");
    });
    try {
      await withTempDir(async (dir) => {
        // seq never ends by itself; the http sink takes 200 events per 10 ms request.
        const conf = await tempConf(
          dir,
          seqConf(
            Number.MAX_SAFE_INTEGER,
            [
              "a1.sinks.k1.type = http",
              `a1.sinks.k1.endpoint = http://127.0.0.1:${server.addr.port}/`,
              "a1.sinks.k1.batchSize = 200",
              "a1.sinks.k1.batchFormat = lines",
              "a1.sinks.k1.rollback.2XX = false",
              "a1.sinks.k1.backoff.2XX = false",
              "a1.sinks.k1.incrementMetrics.2XX = true",
            ].join("\n"),
          ).replace("capacity = 10000", "capacity = 2000"),
        );
        const agent = new AgentProcess([
          "-n",
          "a1",
          "-f",
          conf,
          "--duration",
          "2s",
          "--status-interval",
          "1",
        ]);
        const { code, stderr } = await agent.exit();
        const text = stderr.join("\n");
        strictEqual(code, 0, text);
        const [status] = stderr.filter((l) => / status: /.test(l));
        match(status, /channel c1 ([1-9]\d*|<1)% full/, "the channel held events");
        ok(!/still in channels|are lost|dropped/.test(text), text);
        ok(received.length > 2000, `${received.length} events delivered`);
        deepStrictEqual(received, received.map((_, i) => String(i)), "every event, in order");
      });
    } finally {
      await server.shutdown();
    }
  });
  await t.step("seq -> memory -> null, with --status-interval 0: no status line", async () => {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, seqConf(1000, "a1.sinks.k1.type = null\n"));
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        conf,
        "--duration",
        "2",
        "--status-interval",
        "0",
      ]);
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      match(stderr.join("\n"), /--duration 2s is over/);
      deepStrictEqual(stderr.filter((l) => / status: /.test(l)), []);
    });
  });
  await t.step("a WebSocket source that connected: exit 0", async () => {
    const feed = await startFeed({ port: 0, rate: 20, log: SILENT_LOG });
    try {
      await withTempDir(async (dir) => {
        const conf = await tempConf(dir, websocketConf(`ws://127.0.0.1:${feed.port}/`));
        const agent = new AgentProcess(["-n", "a1", "-f", conf, "--duration", "2s"]);
        const { code, stderr } = await agent.exit();
        strictEqual(code, 0, stderr.join("\n"));
        match(stderr.join("\n"), /source\.w1: Connected to /);
      });
    } finally {
      await feed.close();
    }
  });
});

Deno.test("agent --duration exits 3 when a WebSocket source never connected", async () => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, websocketConf(`ws://127.0.0.1:${closedPort()}/`));
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "--duration", "2s"]);
    const { code, stderr } = await agent.exit();
    strictEqual(code, 3, stderr.join("\n"));
    const text = stderr.join("\n");
    match(text, /WARN {2}source\.w1: Cannot connect to .*connection refused/);
    match(
      text,
      /ERROR agent\.a1: Source w1 never connected during the 2s run \(\d+ attempt\(s\), all failed; see the warnings above\): exit code 3/,
    );
    match(text, /Agent a1 stopped/, "stopped gracefully first");
  });
});

Deno.test("agent --log-format json: one object per line, no secret anywhere", async () => {
  const feed = await startFeed({ port: 0, rate: 50, log: SILENT_LOG });
  try {
    await withTempDir(async (dir) => {
      const conf = await tempConf(
        dir,
        websocketConf(
          `ws://user:s3cr3t-password@127.0.0.1:${feed.port}/ticks?token=s3cr3t-query&x=1`,
          "logger",
          [
            "a1.sources.w1.header.Authorization = Bearer s3cr3t-header",
            "a1.sources.w1.cookies = session",
            "a1.sources.w1.cookie.session.name = sid",
            "a1.sources.w1.cookie.session.value = s3cr3t-cookie",
            'a1.sources.w1.initMessage = {"type":"subscribe","token":"s3cr3t-init"}',
            "a1.sinks.k1.maxBytesTolog = 16",
          ].join("\n"),
        ),
      );
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        conf,
        "--log-format",
        "json",
        "-Dflume.root.logger=DEBUG,console",
        "--status-interval",
        "1",
      ]);
      await agent.waitFor(/"message":"status: /, 2);
      agent.kill("SIGTERM");
      const { code, stdout, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      ok(!stderr.join("\n").includes("s3cr3t"), stderr.join("\n"));
      ok(!stdout.includes("s3cr3t"));
      const records = stderr.filter((l) => l !== "").map((line) => JSON.parse(line));
      for (const r of records) {
        match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        ok(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].includes(r.level), r.level);
        strictEqual(typeof r.component, "string");
        strictEqual(typeof r.message, "string");
      }
      ok(records.some((r) => r.level === "DEBUG"), "DEBUG lines too");
      const warning = records.find((r) => r.component === "config.a1");
      strictEqual(warning?.level, "WARN");
      match(warning?.message, /sinks\.k1 maxBytesTolog: Unknown property "maxBytesTolog"/);
      const connected = records.find((r) => /^Connected to /.test(r.message));
      strictEqual(connected?.component, "source.w1");
      strictEqual(
        connected?.message,
        `Connected to ws://127.0.0.1:${feed.port}/ticks?token=***&x=***`,
      );
      const event = records.find((r) => r.component === "sink.k1");
      match(event?.message, /^Event: \{ headers:\{\} body: 7B 22 74 79 70 65/);
      const status = records.find((r) => r.message.startsWith("status: "));
      strictEqual(status.component, "agent.a1");
      strictEqual(status.fields.sources.w1.connected, true);
      strictEqual(typeof status.fields.sinks.k1.eventsPerSecond, "number");
      strictEqual(event.fields, undefined, "fields only where there are properties");
    });
  } finally {
    await feed.close();
  }
});

Deno.test("agent -Dflume.root.logger=INFO,LOGFILE writes a rolling log file", async (t) => {
  const logger = "a1.sinks.k1.type = logger\n";
  await t.step("rolls at maxFileSize, keeping maxBackupIndex backups", async () => {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, seqConf(300, logger));
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        conf,
        "--duration",
        "2s",
        "-Dflume.root.logger=INFO,LOGFILE",
        `-Dflume.log.dir=${dir}/logs`,
        "-Dflume.log.maxFileSize=4KB",
        "-Dflume.log.maxBackupIndex=3",
      ]);
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      deepStrictEqual(stderr.filter((l) => / (INFO|WARN|ERROR) /.test(l)), [], "no console");
      const names: string[] = [];
      for await (const entry of Deno.readDir(`${dir}/logs`)) names.push(entry.name);
      deepStrictEqual(names.sort(), ["flume.log", "flume.log.1", "flume.log.2", "flume.log.3"]);
      for (const name of names) {
        const size = (await Deno.stat(`${dir}/logs/${name}`)).size;
        ok(size > 0 && size <= 4096, `${name}: ${size} bytes`);
      }
      const current = await Deno.readTextFile(`${dir}/logs/flume.log`);
      match(current, /INFO {2}agent\.a1: Agent a1 stopped\n$/);
      const oldest = await Deno.readTextFile(`${dir}/logs/flume.log.3`);
      match(oldest, /INFO {2}sink\.k1: Event: \{ headers:\{\} body: /);
    });
  });
  await t.step("json to the file and the console at once", async () => {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, seqConf(3, logger));
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        conf,
        "--duration",
        "1s",
        "--log-format",
        "json",
        "-Dflume.root.logger=INFO,LOGFILE,console",
        `-Dflume.log.dir=${dir}/logs`,
        "-Dflume.log.file=a1.log",
      ]);
      const { code, stderr } = await agent.exit();
      strictEqual(code, 0, stderr.join("\n"));
      const file = (await Deno.readTextFile(`${dir}/logs/a1.log`)).split("\n").filter((l) => l);
      deepStrictEqual(file, stderr.filter((l) => l !== ""));
      const events = file.map((l) => JSON.parse(l)).filter((r) => r.component === "sink.k1");
      strictEqual(events.length, 3);
    });
  });
  await t.step("a log file that cannot be opened: exit 2 naming it", async () => {
    await withTempDir(async (dir) => {
      const conf = await tempConf(dir, seqConf(3, logger));
      await Deno.writeTextFile(`${dir}/not-a-dir`, "");
      const { code, stderr } = await runCli([
        "agent",
        "-n",
        "a1",
        "-f",
        conf,
        "-Dflume.root.logger=INFO,LOGFILE",
        `-Dflume.log.dir=${dir}/not-a-dir`,
      ]);
      strictEqual(code, 2, stderr);
      match(
        stderr,
        new RegExp(
          `^error: Cannot open log file "${dir}/not-a-dir/flume\\.log" ` +
            `\\(-Dflume\\.log\\.dir, -Dflume\\.log\\.file\\): `,
        ),
      );
      ok(!/^\s+at /m.test(stderr), "no stack trace");
    });
  });
});

Deno.test("agent: invalid operating options exit 2 naming the option", async (t) => {
  await withTempDir(async (dir) => {
    const conf = await tempConf(dir, seqConf(3, "a1.sinks.k1.type = null\n"));
    const cases: [string[], RegExp][] = [
      [
        ["--duration", "10x"],
        /^error: Invalid --duration "10x": expected a whole number of seconds/,
      ],
      [["--duration", "0"], /^error: Invalid --duration "0"/],
      [
        ["--status-interval", "-1"],
        /^error: Invalid --status-interval "-1": expected a whole number from 0 to 86400 \(0 turns the status line off\)/,
      ],
      [["--status-interval", "1.5"], /^error: Invalid --status-interval "1\.5"/],
      [["--log-format", "yaml"], /^error: Invalid --log-format "yaml": expected text or json/],
      [["--log-format"], /^error: Missing value for --log-format/],
      [
        ["-Dflume.root.logger=INFO,syslog"],
        /^error: Invalid -Dflume\.root\.logger="INFO,syslog": unknown appender "syslog"/,
      ],
      [["-Dflume.log.maxFileSize=lots"], /^error: Invalid -Dflume\.log\.maxFileSize="lots"/],
    ];
    for (const [args, message] of cases) {
      await t.step(args.join(" "), async () => {
        const { code, stderr } = await runCli(["agent", "-n", "a1", "-f", conf, ...args]);
        strictEqual(code, 2, stderr);
        match(stderr, message);
        match(stderr, /Run "flume-ws agent --help" for usage/);
      });
    }
    await t.step("check refuses the agent's options", async () => {
      const { code, stderr } = await runCli(["check", "-n", "a1", "-f", conf, "--duration", "2s"]);
      strictEqual(code, 2);
      match(stderr, /^error: --duration is an option of agent/);
    });
  });
});

Deno.test("agent --help documents every exit code", async () => {
  const { code, stdout } = await runCli(["agent", "--help"]);
  strictEqual(code, 0);
  for (const exit of ["0", "1", "2", "3", "130", "143"]) {
    match(stdout, new RegExp(`^  ${exit} +\\S`, "m"), `exit code ${exit}`);
  }
  match(stdout, /--status-interval SEC/);
  match(stdout, /--duration TIME/);
  match(stdout, /--log-format FORMAT/);
  match(stdout, /-Dflume\.log\.maxFileSize=SIZE/);
});
