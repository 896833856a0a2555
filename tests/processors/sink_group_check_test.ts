import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import type { Output } from "../../src/cli/fatal.ts";
import { main } from "../../src/cli/main.ts";
import { withTempDir } from "../support/cli.ts";

const CONF = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1 k2 k3 k4 k5 k6
a1.sources.r1.type = seq
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
a1.sinks.k2.type = null
a1.sinks.k2.channel = c1
a1.sinks.k3.type = null
a1.sinks.k3.channel = c1
a1.sinks.k4.type = null
a1.sinks.k4.channel = c1
a1.sinks.k5.type = null
a1.sinks.k5.channel = c1
a1.sinks.k6.type = null
a1.sinks.k6.channel = c1
a1.sinkgroups = fo lb one
a1.sinkgroups.fo.sinks = k1 k2 k3
a1.sinkgroups.fo.processor.type = failover
a1.sinkgroups.fo.processor.priority.k1 = 5
a1.sinkgroups.fo.processor.priority.k2 = 10
a1.sinkgroups.fo.processor.maxpenalty = 10000
a1.sinkgroups.lb.sinks = k4 k5
a1.sinkgroups.lb.processor.type = org.apache.flume.sink.LoadBalancingSinkProcessor
a1.sinkgroups.lb.processor.backoff = true
a1.sinkgroups.lb.processor.selector = random
a1.sinkgroups.one.sinks = k6
`;

/** Runs `check` on `text` in this process; its exit code and the lines it printed. */
async function check(text: string): Promise<{ code: number; lines: string[] }> {
  let result = { code: -1, lines: [] as string[] };
  await withTempDir(async (dir) => {
    const path = join(dir, "flume.conf");
    await Deno.writeTextFile(path, text);
    const lines: string[] = [];
    const output: Output = { out: (l) => lines.push(...l.split("\n")), err: (l) => lines.push(l) };
    const code = await main(["check", "-f", path, "-n", "a1"], output);
    result = { code, lines };
  });
  return result;
}

Deno.test("check shows each sink group with its processor and its sinks in the order they run", async (t) => {
  const { code, lines } = await check(CONF);
  equal(code, 0, lines.join("\n"));
  const start = lines.indexOf("sinkgroups:");
  ok(start > 0, `a sinkgroups section:\n${lines.join("\n")}`);
  const section = lines.slice(start, start + 12);

  await t.step("failover: highest priority first, with each priority", () => {
    deepStrictEqual(section.slice(1, 6), [
      "  fo (failover) -> k2 k1 k3",
      "      processor.maxpenalty = 10000",
      "    k2: priority 10 (active)",
      "    k1: priority 5",
      "    k3: priority -1, by the order listed",
    ]);
  });
  await t.step("load_balance: as listed, with the selector and the defaults marked", () => {
    deepStrictEqual(section.slice(6, 11), [
      "  lb (org.apache.flume.sink.LoadBalancingSinkProcessor) -> k4 k5",
      "      processor.backoff = true",
      "      processor.selector = random",
      "      processor.selector.maxTimeOut = 30000 (default)",
      "    k4, k5: selector random (each batch goes to one sink, chosen at random)",
    ]);
  });
  await t.step("default: its one sink", () => {
    equal(section[11], "  one (default) -> k6");
  });
  await t.step("the grouped sinks are still listed as sinks", () => {
    ok(lines.includes("  k1 (null) <- c1"));
  });
});

Deno.test("check shows no sinkgroups section for an agent without sink groups", async () => {
  const { code, lines } = await check(CONF.replace(/^a1\.sinkgroups.*$/gm, ""));
  equal(code, 0, lines.join("\n"));
  ok(!lines.includes("sinkgroups:"));
});

Deno.test("check refuses a broken sink group with the line and a hint, exit 2", async () => {
  const { code, lines } = await check(CONF.replace("fo.sinks = k1 k2 k3", "fo.sinks = k1 k2 k33"));
  equal(code, 2);
  const text = lines.join("\n");
  ok(
    /flume\.conf:21: error: sinkgroups\.fo sinks: Sink "k33" is not listed in a1\.sinks\n {2}hint: did you mean "k3"\?/
      .test(text),
    text,
  );
});
