/**
 * The spillable memory channel's storage behind StoreChannel: an in-memory
 * queue first, the file channel's store on disk as overflow, and the drain
 * order that keeps takes in commit order across the two.
 *
 * @module
 */
import { ChannelError, ChannelFullError } from "../../api/channel.ts";
import type { Clock } from "../../api/clock.ts";
import { type Event, eventSize } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import { Queue } from "../../util/queue.ts";
import type { StoredEvent } from "../file/event_store.ts";
import type { FileStore } from "../file/file_store.ts";
import type { ChannelStore } from "../store_channel.ts";
import { WakeSet } from "../wake_set.ts";
import { DrainOrder, type Place } from "./drain_order.ts";

/** The shortest time between two info lines saying that spilling starts. */
const SAY_INTERVAL_MS = 60_000;

/** An event held in memory, with the byte slots (units of avgEventSize) it counts for. */
export interface MemoryEvent {
  readonly event: Event;
  readonly slots: number;
}

/** What a take records: an event from memory, or one the overflow stored. */
export type SpillTake = MemoryEvent | StoredEvent;

/** The sizes and collaborators of a SpillStore. */
export interface SpillStoreOptions {
  readonly name: string;
  /** Most events in memory; 0 keeps every event in the overflow. */
  readonly memoryCapacity: number;
  /** Most byte slots (units of avgEventSize) in memory. */
  readonly byteSlots: number;
  /** Bytes of one byte slot. */
  readonly avgEventSize: number;
  /** Most events in the overflow; 0 with no overflow. */
  readonly overflowCapacity: number;
  /** The overflow on disk; undefined when overflowCapacity is 0. */
  readonly overflow: FileStore | undefined;
  /** Milliseconds a commit waits for room in memory before it spills. */
  readonly overflowTimeoutMs: number;
  /** Percent of memoryCapacity a take must leave free before commits wait overflowTimeout again. */
  readonly deactivationPercent: number;
  readonly log: Log;
  readonly clock: Clock;
}

/** The room a transaction's takes give back when it commits. */
interface Freed {
  readonly memory: readonly MemoryEvent[];
  readonly overflow: readonly StoredEvent[];
  readonly memorySlots: number;
}

/**
 * Events in memory while it has room, in the overflow (the file channel's
 * SQLite store) once it has not, as Flume's SpillableMemoryChannel. A batch
 * fills memory first and spills the rest, after waiting up to
 * overflowTimeout for memory unless the overflow is already in use. Takes
 * follow the drain order, so events come out in commit order across both.
 * Memory survives stop() and start() of the same channel; the overflow
 * survives the process, and its events come first after a restart.
 */
export class SpillStore implements ChannelStore<SpillTake> {
  readonly #options: SpillStoreOptions;
  readonly #memory: Queue<MemoryEvent> = new Queue(1024);
  readonly #drain: DrainOrder = new DrainOrder();
  /** Takes not yet committed or rolled back, in take order: returned to the head at close. */
  readonly #outstanding: Set<SpillTake> = new Set();
  /** Commits waiting for room in memory, woken by takes from memory and by close. */
  readonly #memoryRoom: WakeSet = new WakeSet();
  /** Memory events taken by open transactions. */
  #memoryInflight = 0;
  /** Byte slots of every memory event, taken ones included. */
  #memorySlots = 0;
  /** Memory claimed by commits waiting for their overflow part to be written. */
  #reservedEvents = 0;
  #reservedSlots = 0;
  #reservedOverflow = 0;
  /** Flume's overflowActivated: commits spill at once, without waiting overflowTimeout. */
  #activated = false;
  /** The overflow holds events this process spilled (said once when it starts and when it ends). */
  #spilling = false;
  /** The current spell of spilling was said at info (its end will be too). */
  #announced = false;
  /** When a spell of spilling was last said at info. */
  #saidAt: number | undefined;
  /** Changes at every open and close: a commit waiting for memory gives up when it does. */
  #session: object | undefined;

  /** A store over `options.overflow` (opened at open()) and an empty memory. */
  constructor(options: SpillStoreOptions) {
    this.#options = options;
  }

  get count(): number {
    return this.#memory.length + this.#memoryInflight + (this.#options.overflow?.count ?? 0);
  }

  get takeable(): number {
    const run = this.#drain.headRun();
    if (this.#drain.head() !== "overflow") return run;
    return Math.min(run, this.#options.overflow?.takeable ?? 0);
  }

  /** Events in memory, taken ones included. */
  get memoryCount(): number {
    return this.#memory.length + this.#memoryInflight;
  }

  /** Events in the overflow, taken ones included. */
  get overflowCount(): number {
    return this.#options.overflow?.count ?? 0;
  }

  onReadable(wake: () => void): void {
    this.#options.overflow?.onReadable(wake);
  }

  readAhead(): void {
    this.#options.overflow?.readAhead();
  }

  /**
   * Opens the overflow and puts the events it holds that the drain order
   * does not know of (all of them after a restart) at the head.
   */
  async open(): Promise<void> {
    const overflow = this.#options.overflow;
    if (overflow) {
      await overflow.open();
      const unknown = overflow.count - this.#drain.overflow;
      if (unknown > 0) this.#drain.unshift("overflow", unknown);
      if (unknown < 0) {
        const dropped = this.#drain.dropOverflow(-unknown);
        this.#options.log.warn(
          `Channel ${this.#options.name}: the overflow holds ${dropped} event(s) fewer than ` +
            `expected: taking the ones it holds`,
        );
      }
      this.#spilling = overflow.count > 0;
    }
    this.#session = {};
  }

  /**
   * Closes the overflow. Takes not committed go back to the head, in order:
   * from memory at once, from the overflow when it is read again.
   */
  async close(): Promise<void> {
    this.#session = undefined;
    this.#memoryRoom.wakeAll();
    const outstanding = [...this.#outstanding];
    this.#outstanding.clear();
    this.#returnToHead(outstanding);
    const memory = this.memoryCount;
    if (memory > 0) {
      this.#options.log.info(
        `Channel ${this.#options.name} stops with ${memory} event(s) in memory: kept if it ` +
          `starts again in this process, lost if the process ends`,
      );
    }
    await this.#options.overflow?.close();
  }

  take(): SpillTake | undefined {
    const head = this.#drain.head();
    let taken: SpillTake | undefined;
    if (head === "memory") {
      taken = this.#memory.shift()!;
      this.#memoryInflight++;
    } else if (head === "overflow") {
      taken = this.#options.overflow!.take();
      if (taken === undefined) return undefined;
    } else {
      return undefined;
    }
    this.#drain.shift(head);
    this.#outstanding.add(taken);
    if (this.#drain.head() === "overflow") this.#options.overflow!.readAhead();
    return taken;
  }

  eventOf(taken: SpillTake): Event {
    return taken.event;
  }

  /** Whether the puts fit now: a head of them in memory, the rest in the overflow. */
  fits(puts: readonly Event[], takes: readonly SpillTake[]): boolean {
    const freed = split(takes);
    const share = this.#memoryShare(puts, freed);
    return share === puts.length || puts.length - share <= this.#overflowRoom(freed);
  }

  /**
   * Commits the takes and places the puts: in memory when they fit, else
   * (after waiting up to overflowTimeout for memory, unless the overflow is
   * in use already) as many as fit in memory and the rest in the overflow.
   * Synchronous when only memory is involved.
   */
  commit(puts: readonly Event[], takes: readonly SpillTake[]): Promise<void> | void {
    for (const taken of takes) this.#outstanding.delete(taken);
    const freed = split(takes);
    if (freed.overflow.length === 0 && this.#memoryShare(puts, freed) === puts.length) {
      this.#finishTakes(freed);
      this.#place(puts, puts.length);
      return;
    }
    return this.#commitWithOverflow(puts, freed);
  }

  rollback(takes: readonly SpillTake[]): void {
    for (const taken of takes) this.#outstanding.delete(taken);
    this.#returnToHead(takes);
  }

  async #commitWithOverflow(puts: readonly Event[], freed: Freed): Promise<void> {
    const session = this.#session;
    const { overflow, name, log } = this.#options;
    let reserved: [number, number, number] | undefined;
    try {
      let share = this.#memoryShare(puts, freed);
      if (share < puts.length && this.#mayWait(puts)) {
        share = await this.#waitForMemory(puts, freed, session);
      }
      const spill = puts.slice(share);
      if (spill.length > 0) {
        if (!overflow || spill.length > this.#overflowRoom(freed)) {
          throw new ChannelFullError(
            `Channel "${name}" has no room for ${spill.length} event(s): memory holds ` +
              `${this.memoryCount} of ${this.#options.memoryCapacity} events (or its bytes are ` +
              `used up) and the overflow ${this.overflowCount} of ` +
              `${this.#options.overflowCapacity}`,
          );
        }
        const refusal = overflow.refusal(spill);
        if (refusal !== undefined) throw new ChannelError(refusal);
        if (!this.#activated) {
          this.#activated = true;
          log.debug(`Channel ${name}: overflow activated`);
        }
      }
      reserved = [share, slotsOf(puts, share, this.#options.avgEventSize), spill.length];
      this.#reserve(reserved, 1);
      if (spill.length > 0 || freed.overflow.length > 0) {
        await overflow!.commit(spill, freed.overflow);
      }
      this.#reserve(reserved, -1);
      reserved = undefined;
      this.#finishTakes(freed);
      this.#place(puts, share);
      if (spill.length > 0) {
        this.#drain.push("overflow", spill.length);
        this.#spilled();
      }
      if (this.#spilling && this.#drain.overflow === 0 && overflow!.count === 0) {
        this.#spilling = false;
        const message = `Channel ${name}: the overflow is empty again: events stay in memory`;
        if (this.#announced) log.info(message);
        else log.debug(message);
        this.#announced = false;
      }
    } catch (err) {
      if (reserved) this.#reserve(reserved, -1);
      this.#takesFailed(session, freed);
      throw err;
    }
  }

  /**
   * Says that events spill (a commit just spilled): at info when a spell
   * starts, at most once a minute, so that a channel hovering at the
   * boundary does not flood the log; a spell not said yet is said by its
   * first spill after that minute. Its end is said at the same level.
   */
  #spilled(): void {
    const { clock, log, name, memoryCapacity } = this.#options;
    const message = `Channel ${name}: memory is full (${this.memoryCount} of ${memoryCapacity} ` +
      `events): spilling to the overflow on disk`;
    if (!this.#spilling) {
      this.#spilling = true;
      this.#announced = false;
      log.debug(message);
    }
    if (this.#announced) return;
    const now = clock.now();
    if (this.#saidAt !== undefined && now - this.#saidAt < SAY_INTERVAL_MS) return;
    this.#saidAt = now;
    this.#announced = true;
    log.info(message);
  }

  /** Whether a commit that does not fit in memory waits overflowTimeout for it (Flume's rule). */
  #mayWait(puts: readonly Event[]): boolean {
    const o = this.#options;
    return !this.#activated && o.overflow !== undefined && o.overflowTimeoutMs > 0 &&
      puts.length <= o.memoryCapacity && slotsOf(puts, puts.length, o.avgEventSize) <= o.byteSlots;
  }

  /**
   * Waits up to overflowTimeout for memory to hold all the puts; returns how
   * many of them go to memory. ChannelError when the channel stops meanwhile.
   */
  async #waitForMemory(
    puts: readonly Event[],
    freed: Freed,
    session: object | undefined,
  ): Promise<number> {
    const { clock, overflowTimeoutMs, name } = this.#options;
    const deadline = clock.now() + overflowTimeoutMs;
    for (let left = overflowTimeoutMs; left > 0; left = deadline - clock.now()) {
      await this.#memoryRoom.sleep(clock, left);
      if (this.#session !== session) {
        throw new ChannelError(`Channel "${name}" stopped while a commit waited for memory`);
      }
      if (this.#memoryShare(puts, freed) === puts.length) return puts.length;
    }
    return this.#memoryShare(puts, freed);
  }

  /** How many of the puts, from the first, fit in memory now (event count and byte slots). */
  #memoryShare(puts: readonly Event[], freed: Freed): number {
    const o = this.#options;
    if (o.memoryCapacity === 0) return 0;
    const room = o.memoryCapacity - this.memoryCount - this.#reservedEvents + freed.memory.length;
    let slots = o.byteSlots - this.#memorySlots - this.#reservedSlots + freed.memorySlots;
    const most = Math.min(room, puts.length);
    let share = 0;
    while (share < most) {
      const need = slotsOfEvent(puts[share], o.avgEventSize);
      if (need > slots) break;
      slots -= need;
      share++;
    }
    return share;
  }

  /** Events the overflow can take now, counting the takes being committed as gone. */
  #overflowRoom(freed: Freed): number {
    const o = this.#options;
    if (!o.overflow) return 0;
    return o.overflowCapacity - o.overflow.count - this.#reservedOverflow + freed.overflow.length;
  }

  /** Adds (`sign` 1) or removes (-1) a commit's claim on memory and overflow. */
  #reserve([events, slots, overflow]: [number, number, number], sign: 1 | -1): void {
    this.#reservedEvents += sign * events;
    this.#reservedSlots += sign * slots;
    this.#reservedOverflow += sign * overflow;
  }

  /** Appends the first `share` puts to memory. */
  #place(puts: readonly Event[], share: number): void {
    const avg = this.#options.avgEventSize;
    for (let i = 0; i < share; i++) {
      const slots = slotsOfEvent(puts[i], avg);
      this.#memory.push({ event: puts[i], slots });
      this.#memorySlots += slots;
    }
    this.#drain.push("memory", share);
  }

  /** Frees the memory of committed takes; lets commits wait overflowTimeout again when due. */
  #finishTakes(freed: Freed): void {
    if (freed.memory.length === 0) return;
    this.#memoryInflight -= freed.memory.length;
    this.#memorySlots -= freed.memorySlots;
    this.#memoryRoom.wakeAll();
    const capacity = this.#options.memoryCapacity;
    const freePercent = ((capacity - this.memoryCount) * 100) / capacity;
    if (this.#activated && freePercent >= this.#options.deactivationPercent) {
      this.#activated = false;
      this.#options.log.debug(`Channel ${this.#options.name}: overflow deactivated`);
    }
  }

  /**
   * Takes whose commit failed: outstanding again while the session lasts,
   * so that their rollback or the close returns them; else back at the head
   * now (the overflow's come back when it is read again).
   */
  #takesFailed(session: object | undefined, freed: Freed): void {
    if (session !== undefined && session === this.#session) {
      for (const taken of [...freed.memory, ...freed.overflow]) this.#outstanding.add(taken);
    } else {
      this.#returnToHead(freed.memory);
    }
  }

  /** Puts takes back at the head in their order: memory events, overflow ones and the drain order. */
  #returnToHead(takes: readonly SpillTake[]): void {
    if (takes.length === 0) return;
    const memory: MemoryEvent[] = [];
    const stored: StoredEvent[] = [];
    for (const taken of takes) {
      if (isStored(taken)) stored.push(taken);
      else memory.push(taken);
    }
    this.#memory.unshiftAll(memory);
    this.#memoryInflight -= memory.length;
    if (stored.length > 0 && this.#session) this.#options.overflow?.rollback(stored);
    for (let i = takes.length - 1; i >= 0; i--) {
      const place: Place = isStored(takes[i]) ? "overflow" : "memory";
      this.#drain.unshift(place, 1);
    }
  }
}

/** Whether a take came from the overflow. */
function isStored(taken: SpillTake): taken is StoredEvent {
  return "seq" in taken;
}

/** A transaction's takes by store. */
function split(takes: readonly SpillTake[]): Freed {
  const memory: MemoryEvent[] = [];
  const overflow: StoredEvent[] = [];
  let memorySlots = 0;
  for (const taken of takes) {
    if (isStored(taken)) {
      overflow.push(taken);
    } else {
      memory.push(taken);
      memorySlots += taken.slots;
    }
  }
  return { memory, overflow, memorySlots };
}

/** Byte slots of one event, as Flume counts them: its body in units of avgEventSize, at least 1. */
function slotsOfEvent(event: Event, avgEventSize: number): number {
  return Math.max(1, Math.ceil(eventSize(event) / avgEventSize));
}

/** Byte slots of the first `count` events. */
function slotsOf(events: readonly Event[], count: number, avgEventSize: number): number {
  let slots = 0;
  for (let i = 0; i < count; i++) slots += slotsOfEvent(events[i], avgEventSize);
  return slots;
}
