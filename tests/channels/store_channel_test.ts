import { equal, rejects } from "node:assert/strict";
import { ChannelFullError } from "../../src/api/channel.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { type ChannelStore, StoreChannel } from "../../src/channels/store_channel.ts";

/** A store whose commits finish only when the test lets them: as a store off the main thread. */
class SlowStore implements ChannelStore<Event> {
  readonly events: Event[] = [];
  readonly pending: (() => void)[] = [];
  get count(): number {
    return this.events.length;
  }
  get takeable(): number {
    return this.events.length;
  }
  open(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  take(): Event | undefined {
    return undefined;
  }
  eventOf(taken: Event): Event {
    return taken;
  }
  commit(puts: readonly Event[]): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push(() => {
        this.events.push(...puts);
        resolve();
      });
    });
  }
  rollback(): void {}
}

Deno.test("store channel: commits that await the store cannot both claim the same room", async () => {
  const store = new SlowStore();
  const channel = new StoreChannel(
    "c1",
    new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS),
    store,
    {
      capacity: 4,
      transactionCapacity: 4,
      keepAliveMs: 0,
      transactionName: "SlowTransaction",
      fullMessage: "Full",
      clock: SYSTEM_CLOCK,
    },
  );
  await channel.start();
  const first = channel.getTransaction();
  first.begin();
  first.putAll([textEvent("a"), textEvent("b"), textEvent("c")]);
  const firstCommit = first.commit();
  equal(channel.room(), 1, "the first commit's room is claimed while the store writes");
  const second = channel.getTransaction();
  second.begin();
  second.putAll([textEvent("d"), textEvent("e")]);
  await rejects(second.commit(), ChannelFullError);
  second.rollback();
  second.close();
  store.pending.shift()!();
  await firstCommit;
  first.close();
  equal(channel.size(), 3);
  equal(channel.room(), 1);
  await channel.stop();
});
