import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { SILENT_LOG } from "../../src/api/log.ts";
import { startFeed } from "../../src/feed/feed_server.ts";
import { AgentProcess, REPO_ROOT, tempConf } from "../support/agent_process.ts";

Deno.test("the seed's echo example runs unchanged against a local echo server", async () => {
  // The feed with --count 0 only echoes, like echo.websocket.org did.
  const feed = await startFeed({ port: 0, count: 0, log: SILENT_LOG });
  const dir = await Deno.makeTempDir();
  try {
    const seed = await Deno.readTextFile(`${REPO_ROOT}conf/examples/seed-echo.conf`);
    const conf = await tempConf(
      dir,
      seed.replace("ws://echo.websocket.org", `ws://127.0.0.1:${feed.port}`),
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    const [line] = await agent.waitFor(/sink\.l1: Event: /);
    agent.kill("SIGINT");
    const { code, stderr } = await agent.exit();
    strictEqual(code, 0, stderr.join("\n"));
    strictEqual(
      line.slice(line.indexOf("Event: ")),
      "Event: { headers:{} body: 68 65 6C 6C 6F 20 77 6F 72 6C 64                hello world }",
    );
    match(stderr.join("\n"), /source\.w1: Connected to ws:\/\/127\.0\.0\.1:\d+\//);
  } finally {
    await feed.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conf/flume.conf (make run's file) streams the feed's ticks to the logger", async () => {
  const feed = await startFeed({ port: 0, rate: 50, log: SILENT_LOG });
  const dir = await Deno.makeTempDir();
  try {
    const text = await Deno.readTextFile(`${REPO_ROOT}conf/flume.conf`);
    const conf = await tempConf(dir, text.replace(":8765/", `:${feed.port}/`));
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    const lines = await agent.waitFor(
      /sink\.l1: Event: \{ headers:\{\} body: 7B 22 74 79 70 65/,
      5,
    );
    agent.kill("SIGTERM");
    const { code } = await agent.exit();
    strictEqual(code, 0);
    deepStrictEqual(lines.length >= 5, true);
  } finally {
    await feed.close();
    await Deno.remove(dir, { recursive: true });
  }
});
