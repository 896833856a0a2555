import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import type { Log } from "../../src/api/log.ts";
import { Agent } from "../../src/core/agent.ts";
import { withTimeout } from "../support/async.ts";
import { loadConf } from "../support/components.ts";
import { HttpRecorder } from "../support/http_recorder.ts";
import { RecordingLog } from "../support/recording_log.ts";

const EVENTS = 20;

/** An agent whose failover group has an HTTP primary at `endpoint` and a file_roll backup. */
function failoverConf(endpoint: string, directory: string): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = primary backup
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = ${EVENTS}
a1.sources.r1.batchSize = 5
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.primary.type = http
a1.sinks.primary.endpoint = ${endpoint}
a1.sinks.primary.channel = c1
a1.sinks.backup.type = file_roll
a1.sinks.backup.sink.directory = ${directory}
a1.sinks.backup.sink.rollInterval = 0
a1.sinks.backup.channel = c1
a1.sinkgroups = g1
a1.sinkgroups.g1.sinks = primary backup
a1.sinkgroups.g1.processor.type = failover
a1.sinkgroups.g1.processor.priority.primary = 10
a1.sinkgroups.g1.processor.priority.backup = 5
`;
}

/** Resolves once `done()` holds, checking every 10 ms. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

Deno.test("an agent's failover group sends the events to the backup while the HTTP primary answers 500", async () => {
  const server = new HttpRecorder(() => new Response("broken", { status: 500 }));
  const directory = await Deno.makeTempDir();
  const log = new RecordingLog();
  try {
    const agent = new Agent(loadConf(failoverConf(server.url, directory)), {
      clock: SYSTEM_CLOCK,
      logFor: (_category, name): Log => name === "g1" ? log : new RecordingLog(),
    });
    await agent.start();
    const backup = agent.counters.get("SINK.backup")!;
    try {
      await withTimeout(
        until(() => backup.get("EventDrainSuccessCount") === EVENTS),
        60_000,
        "the backup delivering every event",
      );
    } finally {
      await agent.stop({ drainTimeoutMs: 30_000 });
    }
    ok(server.requests.length >= 1, "the primary was tried");
    equal(agent.counters.get("SINK.primary")!.get("EventDrainSuccessCount"), 0);
    const files = [...Deno.readDirSync(directory)].map((e) => join(directory, e.name));
    const lines = files.flatMap((f) => Deno.readTextFileSync(f).split("\n").filter((l) => l));
    deepStrictEqual(
      lines.map(Number).sort((a, b) => a - b),
      Array.from({ length: EVENTS }, (_, i) => i),
      "every event once, in the backup's files",
    );
    ok(
      log.messages("warn").some((m) =>
        /^Sink primary failed \(.*500.*\): out of sink group g1 for 2000 ms after 1 failure\(s\) in a row; sink backup takes over$/
          .test(m)
      ),
      `the switch is logged: ${log.messages("warn").join("\n")}`,
    );
  } finally {
    await server.close();
    await Deno.remove(directory, { recursive: true });
  }
});
