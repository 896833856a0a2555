import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";

const SEQ_TO_LOGGER = `
# seq -> memory -> logger, as in Flume's guide
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 3
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
`;

const EVENT_LINE = / sink\.k1: Event: /;

Deno.test("agent runs seq -> memory -> logger and prints Flume's Event lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const conf = await tempConf(dir, SEQ_TO_LOGGER);
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "-c", dir]);
    const lines = await agent.waitFor(EVENT_LINE, 3);
    agent.kill("SIGTERM");
    const { code, stderr } = await agent.exit();
    strictEqual(code, 0, stderr.join("\n"));
    const pad = " ".repeat(46);
    deepStrictEqual(lines.map((l) => l.slice(l.indexOf("Event: "))), [
      `Event: { headers:{} body: 30${pad}0 }`,
      `Event: { headers:{} body: 31${pad}1 }`,
      `Event: { headers:{} body: 32${pad}2 }`,
    ]);
    match(lines[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO {2}sink\.k1: Event: /);
    strictEqual(stderr.filter((l) => EVENT_LINE.test(l)).length, 3, "no event logged twice");
    match(stderr.join("\n"), /SIGTERM received/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: -Dflume.root.logger=WARN,console hides INFO lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The source writes to c2, which no sink drains: once it is full the
    // source logs a WARN, while INFO lines (agent started, ...) stay hidden.
    const conf = await tempConf(
      dir,
      SEQ_TO_LOGGER.replace("a1.channels = c1", "a1.channels = c1 c2")
        .replace("a1.sources.r1.channels = c1", "a1.sources.r1.channels = c2")
        .replace("totalEvents = 3", "totalEvents = 5") +
        "a1.channels.c2.type = memory\na1.channels.c2.capacity = 1\n" +
        "a1.channels.c2.transactionCapacity = 1\na1.channels.c2.keep-alive = 0\n",
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "-Dflume.root.logger=WARN,console"]);
    await agent.waitFor(
      / WARN {2}source\.r1: Channel refused 1 event\(s\), \d+ waiting in the backlog; retrying/,
    );
    agent.kill("SIGINT");
    const { code, stderr } = await agent.exit();
    strictEqual(code, 0);
    deepStrictEqual(stderr.filter((l) => / INFO /.test(l)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: a second signal exits at once without draining", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The sink posts to a port where nothing listens: every batch is rolled
    // back, so the channel can never drain and only a second signal ends it.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const conf = await tempConf(
      dir,
      SEQ_TO_LOGGER.replace("type = logger", "type = http").replace(
        "a1.sinks.k1.channel = c1",
        `a1.sinks.k1.channel = c1\na1.sinks.k1.endpoint = http://127.0.0.1:${closedPort}/`,
      ),
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "--drain-timeout", "600"]);
    await agent.waitFor(/Agent a1 started/);
    agent.kill("SIGTERM");
    await agent.waitFor(/SIGTERM received/);
    // A repeat within 500 ms counts as the same signal (a terminal's Ctrl-C
    // reaches both `deno task` and the agent): wait past that window.
    await new Promise((resolve) => setTimeout(resolve, 700));
    agent.kill("SIGTERM");
    const { code, stderr } = await agent.exit();
    strictEqual(code, 143);
    match(stderr.join("\n"), /Second SIGTERM: exiting at once/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: an invalid configuration exits 2 before starting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const conf = await tempConf(dir, SEQ_TO_LOGGER.replace("type = memory", "type = memroy"));
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    const { code, stderr } = await agent.exit();
    strictEqual(code, 2);
    match(
      stderr.join("\n"),
      /flume\.conf:9: error: channels\.c1 type: Unknown channel type "memroy"/,
    );
    match(stderr.join("\n"), /did you mean "memory"\?/);
    deepStrictEqual(stderr.filter((l) => /^\s+at /.test(l)), [], "no stack trace");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: one Ctrl-C delivered twice at once still drains and exits 0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const conf = await tempConf(dir, SEQ_TO_LOGGER);
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    await agent.waitFor(EVENT_LINE, 3);
    agent.kill("SIGINT");
    agent.kill("SIGINT");
    const { code, stderr } = await agent.exit();
    strictEqual(code, 0, stderr.join("\n"));
    match(stderr.join("\n"), /Agent a1 stopped/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
