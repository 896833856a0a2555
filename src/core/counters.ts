/** One counter's value, shared by reference with a hot path that bumps it. */
export interface CounterCell {
  value: number;
}

/** The kind of component a counter group belongs to, as Flume names it. */
export type ComponentKind = "SOURCE" | "CHANNEL" | "SINK" | "SINK_PROCESSOR";

/**
 * One component's counters, named as Flume's JSON monitoring names them
 * (`SOURCE.w1`, `CHANNEL.c1`, …). Monitoring reads these; nothing else counts.
 */
export class CounterGroup {
  /** `TYPE.name`, e.g. `CHANNEL.c1`. */
  readonly id: string;
  readonly kind: ComponentKind;
  readonly name: string;
  #values: Map<string, CounterCell> = new Map();
  #gauges: Map<string, () => number> = new Map();

  /** Creates a group with the given counters set to zero. */
  constructor(kind: ComponentKind, name: string, counters: readonly string[] = []) {
    this.kind = kind;
    this.name = name;
    this.id = `${kind}.${name}`;
    for (const c of counters) this.#values.set(c, { value: 0 });
  }

  /**
   * The cell of a counter, for a hot path that counts every event: `cell.value++`
   * costs no lookup. The cell stays the counter's for the group's life.
   */
  cell(counter: string): CounterCell {
    let cell = this.#values.get(counter);
    if (!cell) this.#values.set(counter, cell = { value: 0 });
    return cell;
  }

  /** Adds `by` (default 1) to a counter and returns the new value. */
  add(counter: string, by = 1): number {
    return this.cell(counter).value += by;
  }

  /** Sets a counter to an absolute value. */
  set(counter: string, value: number): void {
    this.cell(counter).value = value;
  }

  /** Registers a value computed when read (ChannelSize, ChannelFillPercentage). */
  gauge(counter: string, read: () => number): void {
    this.#gauges.set(counter, read);
  }

  /** The current value of a counter or gauge; 0 when unknown. */
  get(counter: string): number {
    const gauge = this.#gauges.get(counter);
    return gauge ? gauge() : this.#values.get(counter)?.value ?? 0;
  }

  /** All counters and gauges with their current values, plus `Type`. */
  snapshot(): Record<string, number | string> {
    const out: Record<string, number | string> = { Type: this.kind };
    for (const [k, cell] of this.#values) out[k] = cell.value;
    for (const [k, read] of this.#gauges) out[k] = read();
    return out;
  }
}

/** Every counter group of one agent, keyed by id. */
export class CounterRegistry {
  #groups: Map<string, CounterGroup> = new Map();

  /** Creates and registers a group; ids are unique per agent. */
  create(kind: ComponentKind, name: string, counters: readonly string[] = []): CounterGroup {
    const group = new CounterGroup(kind, name, counters);
    if (this.#groups.has(group.id)) {
      throw new RangeError(`Duplicate counter group "${group.id}"`);
    }
    this.#groups.set(group.id, group);
    return group;
  }

  /** The group with this id, if any. */
  get(id: string): CounterGroup | undefined {
    return this.#groups.get(id);
  }

  /** Flume's JSON monitoring shape: `{ "CHANNEL.c1": { ... }, ... }`. */
  snapshot(): Record<string, Record<string, number | string>> {
    const out: Record<string, Record<string, number | string>> = {};
    for (const [id, group] of this.#groups) out[id] = group.snapshot();
    return out;
  }
}

/** Flume's source counter names. */
export const SOURCE_COUNTERS: readonly string[] = [
  "EventReceivedCount",
  "EventAcceptedCount",
  "AppendBatchReceivedCount",
  "AppendBatchAcceptedCount",
  "OpenConnectionCount",
  "ChannelWriteFail",
  "EventReadFail",
  "GenericProcessingFail",
];

/** Flume's channel counter names. */
export const CHANNEL_COUNTERS: readonly string[] = [
  "EventPutAttemptCount",
  "EventPutSuccessCount",
  "EventTakeAttemptCount",
  "EventTakeSuccessCount",
  "ChannelCapacity",
];

/** Flume's sink counter names. */
export const SINK_COUNTERS: readonly string[] = [
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
];
