/**
 * One scenario in its own process, so that its peak RSS and CPU time are
 * its own. Started by `run.ts` with one argument, a JSON
 * {@linkcode ChildRequest}; connects to the sender, runs until every
 * message is accounted for, and prints one JSON {@linkcode ChildResult}
 * line on stdout.
 *
 * The agent scenarios run the product in-process: the flume.conf from
 * `scenarios.ts` read by `loadAgentConfig`, built by `Agent` from a
 * registry of the real source, channels and sinks — each sink wrapped only
 * to hear when a batch is delivered (completion is counted by the wrapper,
 * exact to the batch, no polling), plus the
 * bench-only latency sink. There is no metrics endpoint yet, so the CLI
 * could not report completion.
 *
 * @module
 */
import { loadAgentConfig } from "../src/config/agent_config.ts";
import { Agent } from "../src/core/agent.ts";
import { SYSTEM_CLOCK } from "../src/api/clock.ts";
import { CounterRegistry } from "../src/api/counters.ts";
import type { Log } from "../src/api/log.ts";
import { BUILTIN, Registry } from "../src/registry.ts";
import { FrameSocket, MAX_MESSAGE_BYTES } from "../src/sources/websocket/frame_socket.ts";
import { epochMs } from "./epoch_clock.ts";
import { LatencyRecorder, type LatencySummary } from "./latency_recorder.ts";
import { type LoopLag, LoopLagMonitor } from "./loop_lag.ts";
import { latencySinkDefinition } from "./latency_sink.ts";
import { cpuSeconds, peakRssBytes } from "./process_stats.ts";
import { agentConf, type ScenarioId } from "./scenarios.ts";
import { watchedSinkDefinition } from "./watched_sink.ts";

/** What the parent asks a child to do. */
export interface ChildRequest {
  readonly scenario: ScenarioId;
  /** The sender's `ws://` URL. */
  readonly url: string;
  /** Messages the sender sends. */
  readonly messages: number;
  /** Frame bytes the sender sends after the handshake (the raw reader counts bytes). */
  readonly frameBytes: number;
  /** A fresh directory for the agent's files. */
  readonly workDir: string;
  /** Record latencies with the latency sink instead of the null sink. */
  readonly latency?: boolean;
  /** The Kafka broker's `host:port` (run.ts starts it), for the kafka scenario. */
  readonly kafkaBootstrap?: string;
  /** The receiving agent's avro source port (run.ts starts it), for the avro scenario. */
  readonly avroPort?: number;
}

/** What a child measured. */
export interface ChildResult {
  readonly scenario: ScenarioId;
  /** Events the sink drained (messages counted, for the sender and ceiling). */
  readonly delivered: number;
  /** Events the source dropped (its backlog was full). */
  readonly dropped: number;
  /** Epoch ms when the last message was accounted for. */
  readonly doneAt: number;
  /** CPU seconds from just before connecting until done, every thread. */
  readonly cpuSeconds: number;
  /** CPU seconds of the whole process until done, start-up included. */
  readonly cpuTotalSeconds: number;
  /** VmHWM when done. */
  readonly peakRssBytes: number;
  /** How late a 10 ms timer fired while the scenario ran. */
  readonly loopLag: LoopLag;
  /** Latency percentiles, for latency runs. */
  readonly latency?: LatencySummary;
}

/** Runs the request's scenario; resolves with what it measured. */
export function runScenario(request: ChildRequest): Promise<ChildResult> {
  switch (request.scenario) {
    case "sender":
      return runRawReader(request);
    case "ceiling":
      return runCeiling(request);
    case "frame-reader":
      return runFrameReader(request);
    default:
      return runAgent(request);
  }
}

/** Reads the frames as bytes and discards them: the sender's own limit. */
async function runRawReader(request: ChildRequest): Promise<ChildResult> {
  const start = measuring();
  const url = new URL(request.url);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const upgrade = `GET / HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  await conn.write(new TextEncoder().encode(upgrade));
  const buffer = new Uint8Array(1024 * 1024);
  let header = new Uint8Array(0);
  let body = -1;
  while (body < request.frameBytes) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`Sender closed after ${Math.max(0, body)} frame bytes`);
    if (body >= 0) {
      body += n;
      continue;
    }
    const next = new Uint8Array(header.length + n);
    next.set(header);
    next.set(buffer.subarray(0, n), header.length);
    header = next;
    const end = new TextDecoder().decode(header).indexOf("\r\n\r\n");
    if (end >= 0) body = header.length - (end + 4);
  }
  const doneAt = epochMs();
  const result = start.finish(request, request.messages, 0, doneAt);
  conn.close();
  return result;
}

/**
 * The limit of reading frames ourselves: our client's frame decoder over
 * plain `Deno.connect` reads, every text payload decoded to a string, nothing
 * else done with it.
 */
async function runFrameReader(request: ChildRequest): Promise<ChildResult> {
  const start = measuring();
  const { promise, resolve, reject } = Promise.withResolvers<ChildResult>();
  let count = 0;
  const ws = new FrameSocket(request.url, [], { maxMessageBytes: MAX_MESSAGE_BYTES });
  ws.onmessage = (): void => {
    if (++count === request.messages) {
      resolve(start.finish(request, count, 0, epochMs()));
      ws.close();
    }
  };
  ws.onclose = (): void => reject(new Error(`Frame reader closed after ${count} messages`));
  ws.onerror = (e): void => reject(new Error(`Frame reader error after ${count}: ${e.message}`));
  try {
    return await promise;
  } finally {
    ws.onclose = ws.onerror = null;
    ws.terminate();
  }
}

/** A bare built-in WebSocket that counts messages: what Deno can receive at all. */
function runCeiling(request: ChildRequest): Promise<ChildResult> {
  const start = measuring();
  const { promise, resolve, reject } = Promise.withResolvers<ChildResult>();
  const ws = new WebSocket(request.url);
  ws.binaryType = "arraybuffer";
  let count = 0;
  ws.onmessage = (): void => {
    if (++count === request.messages) {
      resolve(start.finish(request, count, 0, epochMs()));
      ws.close();
    }
  };
  ws.onclose = (): void => reject(new Error(`WebSocket closed after ${count} messages`));
  ws.onerror = (): void => reject(new Error(`WebSocket error after ${count} messages`));
  return promise.finally(() => {
    ws.onclose = ws.onerror = null;
  });
}

/** The product: the agent of the scenario's flume.conf, run until the sink drained every event. */
async function runAgent(request: ChildRequest): Promise<ChildResult> {
  const counters = new CounterRegistry();
  const slowServer = request.scenario === "memory-http-slow" ? startSlowServer(50) : undefined;
  const recorder = new LatencyRecorder(request.latency ? request.messages : 0);
  const done = Promise.withResolvers<number>();
  let complete = false;
  let delivered = 0;
  const accounted = (): { drained: number; dropped: number } => ({
    drained: delivered,
    dropped: counters.get("SOURCE.w1")?.get("EventDroppedCount") ?? 0,
  });
  const check = (): void => {
    if (complete) return;
    const { drained, dropped } = accounted();
    if (drained + dropped >= request.messages) {
      complete = true;
      done.resolve(epochMs());
    }
  };
  const watch = (drained: number): void => {
    delivered += drained;
    check();
  };
  const registry = new Registry({
    ...BUILTIN,
    sink: [...BUILTIN.sink, latencySinkDefinition(recorder)].map((d) =>
      watchedSinkDefinition(d, watch)
    ),
  });
  const config = loadAgentConfig(
    agentConf(request.scenario, {
      url: request.url,
      workDir: request.workDir,
      latency: request.latency,
      httpUrl: slowServer?.url,
      kafkaBootstrap: request.kafkaBootstrap,
      avroPort: request.avroPort,
    }),
    {
      file: `${request.scenario}.conf`,
      agent: "a1",
      lookup: registry,
      variables: { env: () => undefined, sys: {} },
    },
  );
  const agent = new Agent(config, { clock: SYSTEM_CLOCK, logFor: stderrLog, counters });
  const start = measuring();
  await agent.start();
  // Only for the case where the last events were dropped, not drained: no batch follows them.
  const poll = setInterval(check, 50);
  let result: ChildResult;
  try {
    const doneAt = await done.promise;
    const { drained, dropped } = accounted();
    result = start.finish(request, drained, dropped, doneAt);
    if (request.latency) result = { ...result, latency: recorder.summary() };
  } finally {
    clearInterval(poll);
  }
  await agent.stop({ drainTimeoutMs: 1000 });
  await slowServer?.close();
  return result;
}

/** An HTTP endpoint on loopback that answers every POST with 200 after `delayMs`. */
function startSlowServer(delayMs: number): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    await new Promise((r) => setTimeout(r, delayMs));
    return new Response("ok");
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, close: () => server.shutdown() };
}

/** Starts the CPU and loop-lag accounts of a scenario; `finish` closes them. */
function measuring(): {
  finish(request: ChildRequest, delivered: number, dropped: number, doneAt: number): ChildResult;
} {
  const cpu0 = cpuSeconds();
  const lag = new LoopLagMonitor();
  return {
    finish(request, delivered, dropped, doneAt): ChildResult {
      const cpu = cpuSeconds();
      return {
        scenario: request.scenario,
        delivered,
        dropped,
        doneAt,
        cpuSeconds: cpu - cpu0,
        cpuTotalSeconds: cpu,
        peakRssBytes: peakRssBytes(),
        loopLag: lag.stop(),
      };
    },
  };
}

/** Warnings and errors to stderr (the parent shows them); nothing on the hot path logs. */
function stderrLog(category: string, name: string): Log {
  const line = (level: string) => (message: string): void => {
    console.error(`${level} ${category}.${name}: ${message}`);
  };
  return { debug(): void {}, info(): void {}, warn: line("WARN"), error: line("ERROR") };
}

if (import.meta.main) {
  const request = JSON.parse(Deno.args[0] ?? "{}") as ChildRequest;
  const result = await runScenario(request);
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
