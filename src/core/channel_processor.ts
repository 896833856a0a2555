import type { ChannelSelector } from "../selectors/replicating_selector.ts";
import { type Channel, ChannelError } from "./channel.ts";
import type { Event } from "./event.ts";
import type { Log } from "./log.ts";

/**
 * Flume's ChannelProcessor: puts a source's events into the channels its
 * selector names, one transaction per channel. A failure on a required
 * channel rolls that transaction back and throws ChannelError, so the
 * source keeps the events and retries; optional channels only log.
 */
export class ChannelProcessor {
  readonly #selector: ChannelSelector;
  readonly #log: Log;
  /** The largest batch every channel accepts in one transaction. */
  readonly maxBatch: number;

  /** A processor over the selector's channels. */
  constructor(selector: ChannelSelector, log: Log) {
    this.#selector = selector;
    this.#log = log;
    const all = [...selector.required, ...selector.optional];
    this.maxBatch = Math.min(...all.map((c) => c.transactionCapacity));
  }

  /** Puts one event; see processEventBatch. */
  processEvent(event: Event): Promise<void> {
    return this.processEventBatch([event]);
  }

  /**
   * Puts the events, in order, into every channel. Resolves once every
   * required channel committed them; throws ChannelError otherwise.
   */
  async processEventBatch(events: readonly Event[]): Promise<void> {
    if (events.length === 0) return;
    for (const channel of this.#selector.required) {
      await putBatch(channel, events);
    }
    for (const channel of this.#selector.optional) {
      try {
        await putBatch(channel, events);
      } catch (err) {
        this.#log.warn(`Optional channel "${channel.name}" refused events: ${message(err)}`);
      }
    }
  }
}

async function putBatch(channel: Channel, events: readonly Event[]): Promise<void> {
  const tx = channel.getTransaction();
  try {
    tx.begin();
    tx.putAll(events);
    await tx.commit();
  } catch (err) {
    tx.rollback();
    if (err instanceof ChannelError) throw err;
    throw new ChannelError(`Unable to put batch on channel "${channel.name}": ${message(err)}`, {
      cause: err,
    });
  } finally {
    tx.close();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
