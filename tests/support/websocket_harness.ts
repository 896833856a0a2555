import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import { group, sourceFrom } from "./components.ts";
import { RecordingLog } from "./recording_log.ts";

/** A WebSocket source writing into a real memory channel, built from properties. */
export interface SourceHarness {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  /** The second channel, when `options.second` asked for one. */
  readonly channel2?: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  /** Takes and commits everything the channel holds. */
  drain(): Promise<Event[]>;
  /** Bodies of drained events as text. */
  drainText(): Promise<string[]>;
}

/** Options of {@linkcode sourceHarness}. */
export interface HarnessOptions {
  /** @default 10000 */
  readonly capacity?: number;
  /** @default capacity (at most 1000) */
  readonly transactionCapacity?: number;
  /** @default 0: a full channel refuses at once */
  readonly keepAlive?: number;
  /** @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** A second channel (c2) the source also writes to, with these limits. */
  readonly second?: { readonly capacity: number; readonly transactionCapacity: number };
}

/**
 * Builds `a1.sources.w1` from `properties` through the real configuration
 * path (so validation, defaults and the sender apply) and wires it to a
 * MemoryChannel.
 */
export function sourceHarness(
  properties: Record<string, string>,
  options: HarnessOptions = {},
): SourceHarness {
  const capacity = options.capacity ?? 10_000;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity,
    transactionCapacity: options.transactionCapacity ?? Math.min(capacity, 1000),
    keepAlive: options.keepAlive ?? 0,
  }, clock);
  const channel2 = options.second
    ? new MemoryChannel("c2", new CounterGroup("CHANNEL", "c2", CHANNEL_COUNTERS), {
      ...options.second,
      keepAlive: 0,
    }, clock)
    : undefined;
  const log = new RecordingLog();
  const counters = new CounterRegistry();
  const source = sourceFrom(
    "websocket",
    properties,
    channel2 ? [channel, channel2] : [channel],
    { clock, log, counters },
  );
  const drain = (from: MemoryChannel = channel): Promise<Event[]> => drainChannel(from);
  return {
    source,
    channel,
    channel2,
    counters: group(counters, "SOURCE.w1"),
    log,
    drain,
    async drainText(): Promise<string[]> {
      return (await drain()).map((e) => new TextDecoder().decode(e.body));
    },
  };
}

/** Takes and commits everything `channel` holds. */
export async function drainChannel(channel: MemoryChannel): Promise<Event[]> {
  const out: Event[] = [];
  while (true) {
    const tx = channel.getTransaction();
    tx.begin();
    const batch: Event[] = [];
    for (
      let e = tx.take();
      e;
      e = batch.length < channel.transactionCapacity ? tx.take() : undefined
    ) {
      batch.push(e);
    }
    await tx.commit();
    tx.close();
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

/** Resolves once `predicate` holds, polling every few ms; fails after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
