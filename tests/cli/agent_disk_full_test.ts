import { deepStrictEqual, equal, ok, strictEqual } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";
import { fillDisk, NEEDS_TMPFS, TMPFS_AVAILABLE, withTmpfs } from "../support/tmpfs.ts";

const MIB = 1024 * 1024;
/** Events per channel transaction and per sink batch. */
const BATCH = 1000;

/**
 * seq -> file channel on its own small disk (keeping 2 MiB free) -> file_roll
 * onto another disk.
 */
function conf(channelDir: string, outDir: string): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = ${BATCH}
a1.sources.r1.channels = c1
a1.channels.c1.type = file
a1.channels.c1.checkpointDir = ${channelDir}/checkpoint
a1.channels.c1.dataDirs = ${channelDir}/data
a1.channels.c1.transactionCapacity = ${BATCH}
a1.channels.c1.minimumRequiredSpace = ${2 * MIB}
a1.sinks.k1.type = file_roll
a1.sinks.k1.channel = c1
a1.sinks.k1.sink.directory = ${outDir}
a1.sinks.k1.sink.batchSize = ${BATCH}
a1.sinks.k1.sink.rollInterval = 0
`;
}

Deno.test({
  name: `agent: both disks fill and clear again; every event is written, at most one batch ` +
    `twice ${NEEDS_TMPFS}`,
  ignore: !TMPFS_AVAILABLE,
  fn: async () => {
    await withTempDir(async (dir) => {
      await withTmpfs(8 * MIB, async (channelDisk) => {
        await withTmpfs(16 * MIB, async (outDisk) => {
          const out = `${outDisk}/out`;
          await Deno.mkdir(out);
          // The sink's disk is full from the start: the channel fills its own disk.
          const filler = await fillDisk(outDisk);
          const agent = new AgentProcess(
            ["-n", "a1", "-f", await tempConf(dir, conf(channelDisk, out))],
            { NO_COLOR: "1" },
          );
          let stderr: readonly string[] = [];
          try {
            await agent.waitFor(/ WARN {2}channel\.c1: Refusing puts on channel "c1": /);
            await agent.waitFor(/ WARN {2}sink\.k1: .*No space left on device/);
            await Deno.remove(filler);
            await agent.waitFor(/ INFO {2}sink\.k1: Writing resumed: /);
            await agent.waitFor(/ INFO {2}channel\.c1: Channel c1: .* accepting puts again$/);
          } finally {
            agent.kill("SIGTERM");
            const exit = await agent.exit();
            stderr = exit.stderr;
            strictEqual(exit.code, 0, stderr.join("\n"));
          }
          const log = stderr.join("\n");
          ok(/channel\.c1: Channel c1 closed ".*" holding 0 event\(s\)$/m.test(log), log);
          deepStrictEqual(
            stderr.filter((l) => /database or disk is full/.test(l)),
            [],
            "deletes never failed",
          );
          equal(
            stderr.filter((l) => / sink\.k1: .*No space left on device/.test(l)).length,
            1,
            `the sink's full disk is logged once:\n${log}`,
          );

          const numbers: number[] = [];
          for await (const entry of Deno.readDir(out)) {
            for (const line of (await Deno.readTextFile(`${out}/${entry.name}`)).split("\n")) {
              if (line) numbers.push(Number(line));
            }
          }
          const unique = new Set(numbers);
          ok(unique.size > 10 * BATCH, `${unique.size} events written`);
          deepStrictEqual(
            Array.from({ length: unique.size }, (_, i) => i).filter((n) => !unique.has(n)),
            [],
            "no gaps",
          );
          ok(
            numbers.length - unique.size <= BATCH,
            `${numbers.length - unique.size} events written twice`,
          );
        });
      });
    });
  },
});
