/**
 * The receiving end of the memory-avro scenario: a flume-ws agent in its
 * own process, an avro source on a free loopback port into a memory
 * channel drained by a null sink, so the measured agent's avro sink talks
 * to a real peer over TCP.
 *
 * @module
 */
import { AgentProcess, tempConf } from "../tests/support/agent_process.ts";

/** A running receiver. */
export interface AvroReceiver {
  /** Its avro source's port on 127.0.0.1. */
  readonly port: number;
  /** Stops the agent (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

/** Starts the receiver and waits until its avro source listens. */
export async function startAvroReceiver(): Promise<AvroReceiver> {
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-avro-receiver-" });
  const conf = await tempConf(
    dir,
    [
      "a1.sources = r1",
      "a1.channels = c1",
      "a1.sinks = k1",
      "a1.sources.r1.type = avro",
      "a1.sources.r1.bind = 127.0.0.1",
      "a1.sources.r1.port = 0",
      "a1.sources.r1.channels = c1",
      "a1.channels.c1.type = memory",
      "a1.channels.c1.capacity = 100000",
      "a1.channels.c1.transactionCapacity = 10000",
      "a1.sinks.k1.type = null",
      "a1.sinks.k1.channel = c1",
      "a1.sinks.k1.batchSize = 10000",
      "",
    ].join("\n"),
  );
  const agent = new AgentProcess(["-n", "a1", "-f", conf]);
  let port: number;
  try {
    const [line] = await agent.waitFor(/Listening on 127\.0\.0\.1:\d+/);
    port = Number(/Listening on 127\.0\.0\.1:(\d+)/.exec(line)![1]);
  } catch (err) {
    agent.kill("SIGKILL");
    await agent.exit();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  return {
    port,
    stop: async (): Promise<void> => {
      agent.kill("SIGTERM");
      await agent.exit();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
