import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { AgentProcess, REPO_ROOT } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";

/** The logger's line in the guide's "A simple example", from `Event:` on. */
const GUIDE_EVENT_LINE =
  "Event: { headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D          Hello world!. }";

Deno.test("the guide's first example (netcat -> memory -> logger) logs the telnet line as the guide shows it", async () => {
  await withTempDir(async (dir) => {
    const guide = await Deno.readTextFile(
      join(REPO_ROOT, "tests/fixtures/guide_first_example.conf"),
    );
    ok(guide.includes("a1.sources.r1.port = 44444\n"), "the fixture is the guide's");
    // Only the port changes: 0 lets the system pick a free one, which the source logs.
    const conf = join(dir, "example.conf");
    await Deno.writeTextFile(conf, guide.replace("port = 44444", "port = 0"));
    const agent = new AgentProcess([
      "--conf",
      dir,
      "--conf-file",
      conf,
      "--name",
      "a1",
      "-Dflume.root.logger=INFO,console",
    ]);
    try {
      const [listening] = await agent.waitFor(/ source\.r1: Listening on \S+:\d+$/);
      const address = listening.slice(listening.lastIndexOf(" ") + 1);
      const colon = address.lastIndexOf(":");
      const hostname = address.slice(0, colon).replace(/^\[|\]$/g, "");
      const conn = await Deno.connect({ hostname, port: Number(address.slice(colon + 1)) });
      try {
        await conn.write(new TextEncoder().encode("Hello world!\r\n"));
        const buffer = new Uint8Array(16);
        const n = await conn.read(buffer);
        equal(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), "OK\n", "telnet sees OK");
      } finally {
        conn.close();
      }
      const [line] = await agent.waitFor(/ sink\.k1: Event: /);
      equal(line.slice(line.indexOf("Event: ")), GUIDE_EVENT_LINE);
    } finally {
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      equal(code, 0, stderr.join("\n"));
    }
  });
});
