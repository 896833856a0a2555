import { capacityProperties, checkCapacities } from "../capacity_properties.ts";
import type { ComponentSpec } from "../../config/component_spec.ts";
import type { PropertySpec } from "../../config/spec.ts";

/** What Flume's properties that change nothing here say about themselves. */
const NO_EFFECT = "accepted for Flume configs, no effect here";

/** Flume's file-channel properties that SQLite makes unnecessary. */
const FLUME_ONLY: readonly PropertySpec[] = [
  {
    name: "useDualCheckpoints",
    kind: "boolean",
    doc: `Flume: back up the checkpoint; ${NO_EFFECT} (there is no checkpoint to back up)`,
  },
  {
    name: "backupCheckpointDir",
    kind: "string",
    doc: `Flume: where the checkpoint backup goes; ${NO_EFFECT}`,
  },
  {
    name: "checkpointInterval",
    kind: "int",
    min: 0,
    doc: `Flume: milliseconds between checkpoints; ${NO_EFFECT} (every commit is durable)`,
  },
  {
    name: "maxFileSize",
    kind: "int",
    min: 0,
    doc: `Flume: largest log file in bytes; ${NO_EFFECT} (one database file)`,
  },
  {
    name: "use-log-replay-v1",
    kind: "boolean",
    doc: `Flume: old replay logic; ${NO_EFFECT} (nothing is replayed at start)`,
  },
  {
    name: "use-fast-replay",
    kind: "boolean",
    doc: `Flume: replay without the queue; ${NO_EFFECT}`,
  },
  {
    name: "checkpointOnClose",
    kind: "boolean",
    doc: `Flume: checkpoint when closing; ${NO_EFFECT} (closing checkpoints the WAL anyway)`,
  },
];

/** The file channel's configuration: Flume's properties and defaults. */
export const FILE_CHANNEL_SPEC: ComponentSpec = {
  category: "channel",
  type: "file",
  aliases: [
    "jdbc",
    "org.apache.flume.channel.file.FileChannel",
    "org.apache.flume.channel.jdbc.JdbcChannel",
  ],
  summary: "Events in an embedded SQLite database, fsynced at every commit; survive kill -9 " +
    "and power loss",
  properties: [
    ...capacityProperties({ capacity: 1000000, transactionCapacity: 10000 }),
    {
      name: "checkpointDir",
      kind: "string",
      defaultText: "~/.flume-ws/file-channel/checkpoint",
      doc: "Directory locked for this channel (`in_use.lock`), as Flume locks it",
    },
    {
      name: "dataDirs",
      kind: "string",
      defaultText: "~/.flume-ws/file-channel/data",
      doc: "Comma-separated directories, each locked; the database " +
        "(`flume-ws-channel.db`) lives in the first",
    },
    {
      name: "minimumRequiredSpace",
      kind: "int",
      default: 524288000,
      min: 0,
      doc: "Free bytes the first data directory's filesystem must keep; commits of puts are " +
        "refused below it (takes go on)",
    },
    ...FLUME_ONLY,
  ],
  patterns: [
    {
      pattern: /^encryption\..+$/,
      display: "encryption.*",
      kind: "string",
      doc: `Flume: encryption of the data files; ${NO_EFFECT}: events are stored unencrypted ` +
        "(a warning says so)",
    },
  ],
  check(settings, report): void {
    const [encryption] = settings.matching(/^encryption\./);
    if (encryption) {
      report({
        severity: "warning",
        property: encryption[0],
        message: "Encryption is not supported: events are stored unencrypted",
        hint: "protect the data directory with filesystem permissions or disk encryption",
      });
    }
    const dataDirs = settings.string("dataDirs");
    if (dataDirs !== undefined && splitDirs(dataDirs).length === 0) {
      report({
        property: "dataDirs",
        message: `Invalid dataDirs "${dataDirs}": expected at least one directory`,
      });
    }
    checkCapacities(settings, report);
  },
};

/** Splits Flume's comma-separated `dataDirs`, trimming and dropping empty entries. */
export function splitDirs(value: string): string[] {
  return value.split(",").map((d) => d.trim()).filter((d) => d.length > 0);
}
