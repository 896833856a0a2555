import type { ChannelSelector } from "../selectors/replicating_selector.ts";
import { type Channel, ChannelError } from "./channel.ts";
import { errorMessage } from "./errors.ts";
import type { Event } from "./event.ts";
import type { Log } from "./log.ts";

/**
 * A batch that some required channels committed and one refused. A caller
 * that retries passes `committed` as `skip`, so that channels that already
 * have the events do not get them twice.
 */
export class BatchPutError extends ChannelError {
  override name = "BatchPutError";
  /** Required channels that committed the batch before the failure. */
  readonly committed: readonly Channel[];

  /** An error for a batch refused after `committed` took it. */
  constructor(message: string, committed: readonly Channel[], options?: ErrorOptions) {
    super(message, options);
    this.committed = committed;
  }
}

/** Options of {@linkcode ChannelProcessor.processEventBatch}. */
export interface PutOptions {
  /** Channels that already committed this batch (a retry). */
  readonly skip?: ReadonlySet<Channel>;
}

/**
 * Flume's ChannelProcessor: puts a source's events into the channels its
 * selector names, one transaction per channel. A failure on a required
 * channel rolls that transaction back and throws BatchPutError, so the
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
   * Puts the events, in order, into every channel not in `skip`. Resolves
   * once every required channel committed them; throws BatchPutError
   * (naming the channels that did commit) otherwise.
   */
  async processEventBatch(events: readonly Event[], options: PutOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const committed: Channel[] = [];
    for (const channel of this.#selector.required) {
      if (options.skip?.has(channel)) continue;
      try {
        await putBatch(channel, events);
      } catch (err) {
        throw new BatchPutError(
          `Unable to put batch on channel "${channel.name}": ${errorMessage(err)}`,
          committed,
          { cause: err },
        );
      }
      committed.push(channel);
    }
    for (const channel of this.#selector.optional) {
      if (options.skip?.has(channel)) continue;
      try {
        await putBatch(channel, events);
      } catch (err) {
        this.#log.warn(`Optional channel "${channel.name}" refused events: ${errorMessage(err)}`);
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
    throw err;
  } finally {
    tx.close();
  }
}
