/** One counter's value, shared by reference with a hot path that bumps it. */
export interface CounterCell {
  value: number;
}

/** The kind of component a counter group belongs to, as Flume names it (`SOURCE.w1`). */
export type CounterKind = "SOURCE" | "CHANNEL" | "SINK" | "SINK_PROCESSOR";

/**
 * One component's counters, named as Flume's JSON monitoring names them
 * (`SOURCE.w1`, `CHANNEL.c1`, …). Monitoring reads these; nothing else counts.
 */
export class CounterGroup<K extends string = string> {
  /** `TYPE.name`, e.g. `CHANNEL.c1`. */
  readonly id: string;
  readonly kind: CounterKind;
  readonly name: string;
  #values: Map<string, CounterCell> = new Map();
  #gauges: Map<string, () => number> = new Map();
  #startTime = 0;
  #stopTime = 0;

  /** Creates a group with the given counters set to zero. */
  constructor(kind: CounterKind, name: string, counters: readonly K[] = []) {
    this.kind = kind;
    this.name = name;
    this.id = `${kind}.${name}`;
    for (const c of counters) this.#values.set(c, { value: 0 });
  }

  /**
   * The cell of a counter, for a hot path that counts every event: `cell.value++`
   * costs no lookup. The cell stays the counter's for the group's life.
   */
  cell(counter: K): CounterCell {
    let cell = this.#values.get(counter);
    if (!cell) this.#values.set(counter, cell = { value: 0 });
    return cell;
  }

  /** Adds `by` (default 1) to a counter and returns the new value. */
  add(counter: K, by = 1): number {
    return this.cell(counter).value += by;
  }

  /** Sets a counter to an absolute value. */
  set(counter: K, value: number): void {
    this.cell(counter).value = value;
  }

  /** Registers a value computed when read (ChannelSize, ChannelFillPercentage). */
  gauge(counter: K, read: () => number): void {
    this.#gauges.set(counter, read);
  }

  /** The current value of a counter or gauge; 0 when unknown. */
  get(counter: K): number {
    const gauge = this.#gauges.get(counter);
    return gauge ? gauge() : this.#values.get(counter)?.value ?? 0;
  }

  /** When the component started, in epoch milliseconds; 0 before it did. */
  get startTime(): number {
    return this.#startTime;
  }

  /** When the component stopped, in epoch milliseconds; 0 while it runs (as Flume shows it). */
  get stopTime(): number {
    return this.#stopTime;
  }

  /** Records that the component started at `now` and has not stopped (Flume's `start()`). */
  start(now: number): void {
    this.#startTime = now;
    this.#stopTime = 0;
  }

  /** Records that the component stopped at `now` (Flume's `stop()`). */
  stop(now: number): void {
    this.#stopTime = now;
  }

  /** All counters and gauges with their current values, plus `Type`, `StartTime` and `StopTime`. */
  snapshot(): Record<string, number | string> {
    const out: Record<string, number | string> = {
      Type: this.kind,
      StartTime: this.#startTime,
      StopTime: this.#stopTime,
    };
    for (const [k, cell] of this.#values) out[k] = cell.value;
    for (const [k, read] of this.#gauges) out[k] = read();
    return out;
  }
}

/** Every counter group of one agent, keyed by id. */
export class CounterRegistry {
  #groups: Map<string, CounterGroup<string>> = new Map();

  /** Creates and registers a group; ids are unique per agent. */
  create<K extends string>(
    kind: CounterKind,
    name: string,
    counters: readonly K[] = [],
  ): CounterGroup<K> {
    const group = new CounterGroup<K>(kind, name, counters);
    if (this.#groups.has(group.id)) {
      throw new RangeError(`Duplicate counter group "${group.id}"`);
    }
    this.#groups.set(group.id, group);
    return group;
  }

  /** Unregisters the group with this id (a component removed or rebuilt); true when there was one. */
  remove(id: string): boolean {
    return this.#groups.delete(id);
  }

  /** The group with this id, if any. */
  get(id: string): CounterGroup<string> | undefined {
    return this.#groups.get(id);
  }

  /** Every group, in the order they were created. */
  groups(): CounterGroup<string>[] {
    return [...this.#groups.values()];
  }

  /** Flume's JSON monitoring shape: `{ "CHANNEL.c1": { ... }, ... }`. */
  snapshot(): Record<string, Record<string, number | string>> {
    const out: Record<string, Record<string, number | string>> = {};
    for (const [id, group] of this.#groups) out[id] = group.snapshot();
    return out;
  }
}

/**
 * Counters that go down as well as up (Prometheus calls them gauges); every
 * other counter only grows while the agent runs.
 */
export const GAUGE_COUNTERS: readonly string[] = [
  "ChannelSize",
  "ChannelCapacity",
  "ChannelFillPercentage",
  "OpenConnectionCount",
  "EndpointIndex",
];

/** Flume's source counter names. */
export const SOURCE_COUNTERS = [
  "EventReceivedCount",
  "EventAcceptedCount",
  "AppendBatchReceivedCount",
  "AppendBatchAcceptedCount",
  "OpenConnectionCount",
  "ChannelWriteFail",
  "EventReadFail",
  "GenericProcessingFail",
] as const;

/** A counter of Flume's SourceCounter. */
export type SourceCounter = typeof SOURCE_COUNTERS[number];

/**
 * What every source's sender counts beyond Flume: events it had to drop
 * (backlog full, or refused at shutdown), and events the source's
 * interceptors left out (not an error).
 */
export const SENDER_COUNTERS = ["EventDroppedCount", "InterceptorDropCount"] as const;

/** A counter of the source sender. */
export type SenderCounter = typeof SENDER_COUNTERS[number];

/** Flume's channel counter names. */
export const CHANNEL_COUNTERS = [
  "EventPutAttemptCount",
  "EventPutSuccessCount",
  "EventTakeAttemptCount",
  "EventTakeSuccessCount",
  "ChannelCapacity",
  "ChannelSize",
  "ChannelFillPercentage",
] as const;

/** A counter (or gauge) of Flume's ChannelCounter. */
export type ChannelCounter = typeof CHANNEL_COUNTERS[number];

/** Flume's sink counter names. */
export const SINK_COUNTERS = [
  "ConnectionCreatedCount",
  "ConnectionClosedCount",
  "ConnectionFailedCount",
  "BatchEmptyCount",
  "BatchUnderflowCount",
  "BatchCompleteCount",
  "EventDrainAttemptCount",
  "EventDrainSuccessCount",
  "EventWriteFail",
  "ChannelReadFail",
] as const;

/** A counter of Flume's SinkCounter. */
export type SinkCounter = typeof SINK_COUNTERS[number];
