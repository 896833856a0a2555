import {
  type CheckedProperties,
  duration,
  int,
  type PatternDecl,
  type Reporter,
} from "../../api/properties.ts";
import { capacityProperties } from "../capacity_properties.ts";
import { checkFileStorage, FILE_CHANNEL_PATTERNS, FILE_CHANNEL_PROPERTIES } from "../file/spec.ts";

/** The file channel's properties the overflow takes as they are: all but its sizes. */
const {
  capacity: _fileCapacity,
  transactionCapacity: _fileTransactionCapacity,
  "keep-alive": _fileKeepAlive,
  ...OVERFLOW_PROPERTIES
} = FILE_CHANNEL_PROPERTIES;

/** transactionCapacity with the memory channel's default. */
const { transactionCapacity } = capacityProperties({ capacity: 100, transactionCapacity: 100 });

/**
 * The spillable memory channel's properties: Flume's own (memoryCapacity,
 * overflowCapacity, …), the memory channel's byte limit, then every file
 * channel property but `capacity`, which overflowCapacity replaces.
 */
export const SPILLABLE_PROPERTIES = {
  memoryCapacity: int({
    default: 10000,
    min: 0,
    doc: "Most events held in memory; 0 keeps every event on disk (a file channel)",
  }),
  overflowCapacity: int({
    default: 100000000,
    min: 0,
    doc: "Most events held on disk once memory is full; 0 turns the overflow off (a memory " +
      "channel, no directory is used)",
  }),
  overflowTimeout: duration({
    unit: "s",
    default: 3,
    doc: "Seconds a commit waits for room in memory before it spills to disk",
  }),
  byteCapacityBufferPercentage: int({
    default: 20,
    min: 0,
    max: 99,
    doc: "Percent of byteCapacity kept free for headers",
  }),
  byteCapacity: int({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: "80% of the V8 heap limit",
    doc: "Most body bytes held in memory, counted in units of avgEventSize; 0 means about 200 GB",
  }),
  avgEventSize: int({
    default: 500,
    min: 1,
    doc: "Bytes one event counts for at least against byteCapacity (Flume's estimate)",
  }),
  overflowDeactivationThreshold: int({
    default: 5,
    min: 0,
    max: 100,
    doc: "Percent of memoryCapacity a take must leave free before a full memory waits " +
      "overflowTimeout again instead of spilling at once (Flume's undocumented setting)",
  }),
  transactionCapacity,
  "keep-alive": duration({
    unit: "s",
    default: 3,
    doc: "Seconds a commit waits for room when memory and overflow are both full, then " +
      "ChannelFullError (Flume ignores it)",
  }),
  capacity: int({
    min: 0,
    doc: "Flume: the overflow's capacity, which overflowCapacity sets; ignored (a warning says so)",
  }),
  ...OVERFLOW_PROPERTIES,
} as const;

/** The overflow's file-channel options that take a pattern (`encryption.*`). */
export const SPILLABLE_PATTERNS: readonly PatternDecl[] = FILE_CHANNEL_PATTERNS;

/** Cross-property rules of the spillable memory channel. */
export function checkSpillable(
  props: CheckedProperties<typeof SPILLABLE_PROPERTIES>,
  report: Reporter,
): void {
  const memory = props.get("memoryCapacity");
  const overflow = props.get("overflowCapacity");
  if (memory === 0 && overflow === 0) {
    report({
      property: props.has("overflowCapacity") ? "overflowCapacity" : "memoryCapacity",
      message: "memoryCapacity and overflowCapacity are both 0: the channel could hold no event",
      hint: "set memoryCapacity (memory), overflowCapacity (disk), or both above 0",
    });
  }
  const tx = props.get("transactionCapacity");
  if (memory !== undefined && overflow !== undefined && tx !== undefined) {
    const total = memory + overflow;
    if (total > 0 && tx > total) {
      report({
        property: "transactionCapacity",
        message: `transactionCapacity ${tx} is larger than memoryCapacity + overflowCapacity ` +
          `${total}`,
        hint: "transactionCapacity must be at most what the channel holds",
      });
    }
  }
  const bytes = props.get("byteCapacity");
  const buffer = props.get("byteCapacityBufferPercentage");
  const avg = props.get("avgEventSize");
  if (bytes !== undefined && bytes > 0 && buffer !== undefined && avg !== undefined) {
    if (Math.floor((bytes * (100 - buffer)) / 100) < avg) {
      report({
        severity: "warning",
        property: "byteCapacity",
        message: `byteCapacity ${bytes} less byteCapacityBufferPercentage ${buffer} holds less ` +
          `than one avgEventSize (${avg} bytes): memory has no byte limit, as in Flume`,
        hint: "raise byteCapacity, or set it to 0 for no limit",
      });
    }
  }
  if (props.has("capacity")) {
    report({
      severity: "warning",
      property: "capacity",
      message: "capacity is ignored by the spillable memory channel",
      hint: "set memoryCapacity and overflowCapacity instead",
    });
  }
  if (overflow !== 0) checkFileStorage(props, report);
}
