import {
  boolean,
  type CheckedProperties,
  int,
  path,
  type PatternDecl,
  type Reporter,
} from "../../api/properties.ts";
import { capacityProperties, checkCapacities } from "../capacity_properties.ts";

/** What Flume's properties that change nothing here say about themselves. */
const NO_EFFECT = "accepted for Flume configs, no effect here";

/** The file channel's properties: Flume's names and defaults, then those SQLite makes moot. */
export const FILE_CHANNEL_PROPERTIES = {
  ...capacityProperties({ capacity: 1000000, transactionCapacity: 10000 }),
  checkpointDir: path({
    defaultText: "~/.flume-ws/file-channel/checkpoint",
    doc: "Directory locked for this channel (`in_use.lock`), as Flume locks it",
  }),
  dataDirs: path({
    defaultText: "~/.flume-ws/file-channel/data",
    doc: "Comma-separated directories, each locked; the database " +
      "(`flume-ws-channel.db`) lives in the first",
  }),
  minimumRequiredSpace: int({
    default: 524288000,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    doc: "Free bytes the first data directory's filesystem must keep once a commit's puts are " +
      "stored; puts that would go below it are refused (takes go on)",
  }),
  useDualCheckpoints: boolean({
    doc: `Flume: back up the checkpoint; ${NO_EFFECT} (there is no checkpoint to back up)`,
  }),
  backupCheckpointDir: path({ doc: `Flume: where the checkpoint backup goes; ${NO_EFFECT}` }),
  checkpointInterval: int({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    doc: `Flume: milliseconds between checkpoints; ${NO_EFFECT} (every commit is durable)`,
  }),
  maxFileSize: int({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    doc: `Flume: largest log file in bytes; ${NO_EFFECT} (one database file)`,
  }),
  "use-log-replay-v1": boolean({
    doc: `Flume: old replay logic; ${NO_EFFECT} (nothing is replayed at start)`,
  }),
  "use-fast-replay": boolean({ doc: `Flume: replay without the queue; ${NO_EFFECT}` }),
  checkpointOnClose: boolean({
    doc: `Flume: checkpoint when closing; ${NO_EFFECT} (closing checkpoints the WAL anyway)`,
  }),
} as const;

/** Flume's file-channel options that take a pattern. */
export const FILE_CHANNEL_PATTERNS: readonly PatternDecl[] = [
  {
    pattern: /^encryption\..+$/,
    display: "encryption.*",
    kind: "secret",
    doc: `Flume: encryption of the data files; ${NO_EFFECT}: events are stored unencrypted ` +
      "(a warning says so)",
  },
];

/** Cross-property rules of the file channel. */
export function checkFileChannel(
  props: CheckedProperties<typeof FILE_CHANNEL_PROPERTIES>,
  report: Reporter,
): void {
  checkFileStorage(props, report);
  checkCapacities(props, report);
}

/** The rules about the file channel's storage (encryption, dataDirs), for channels that embed it. */
export function checkFileStorage(
  props: CheckedProperties<Pick<typeof FILE_CHANNEL_PROPERTIES, "dataDirs">>,
  report: Reporter,
): void {
  const [encryption] = props.matching(/^encryption\./);
  if (encryption) {
    report({
      severity: "warning",
      property: encryption[0],
      message: "Encryption is not supported: events are stored unencrypted",
      hint: "protect the data directory with filesystem permissions or disk encryption",
    });
  }
  const dataDirs = props.get("dataDirs");
  if (dataDirs !== undefined && splitDirs(dataDirs).length === 0) {
    report({
      property: "dataDirs",
      message: `Invalid dataDirs "${props.raw("dataDirs")}": expected at least one directory`,
    });
  }
}

/** Splits Flume's comma-separated `dataDirs`, trimming and dropping empty entries. */
export function splitDirs(value: string): string[] {
  return value.split(",").map((d) => d.trim()).filter((d) => d.length > 0);
}
