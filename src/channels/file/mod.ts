/**
 * The file channel: Flume's durable channel on an embedded SQLite database.
 *
 * @module
 */
import { join } from "node:path";
import { ChannelError } from "../../api/channel.ts";
import { defineChannel } from "../../api/component.ts";
import { FileChannel } from "./file_channel.ts";
import {
  checkFileChannel,
  FILE_CHANNEL_PATTERNS,
  FILE_CHANNEL_PROPERTIES,
  splitDirs,
} from "./spec.ts";

export { FileChannel, type FileChannelOptions } from "./file_channel.ts";
export { DATABASE_FILE } from "./event_store.ts";
export { LOCK_FILE } from "./directory_lock.ts";

/** Where the defaults live under the home directory, as Flume's under `~/.flume`. */
const DEFAULT_ROOT = [".flume-ws", "file-channel"];

/** The `file` channel type (also `jdbc` and Flume's class names). */
export const FILE_CHANNEL = defineChannel({
  type: "file",
  aliases: [
    "jdbc",
    "org.apache.flume.channel.file.FileChannel",
    "org.apache.flume.channel.jdbc.JdbcChannel",
  ],
  summary: "Events in an embedded SQLite database, fsynced at every commit; survive kill -9 " +
    "and power loss",
  example: `
a1.channels = c1
a1.channels.c1.type = file
a1.channels.c1.checkpointDir = /var/lib/flume-ws/checkpoint
a1.channels.c1.dataDirs = /var/lib/flume-ws/data
a1.channels.c1.capacity = 1000000`,
  properties: FILE_CHANNEL_PROPERTIES,
  patterns: FILE_CHANNEL_PATTERNS,
  check: checkFileChannel,
  directories: (config) => [
    { property: "checkpointDir", path: checkpointDir(config.checkpointDir), exclusive: true },
    ...dataDirs(config.dataDirs).map((path) => ({ property: "dataDirs", path, exclusive: true })),
  ],
  create: ({ name, config, counters, clock, log }) =>
    new FileChannel(name, counters, {
      checkpointDir: checkpointDir(config.checkpointDir),
      dataDirs: dataDirs(config.dataDirs),
      capacity: config.capacity,
      transactionCapacity: config.transactionCapacity,
      keepAliveMs: config["keep-alive"],
      minimumRequiredSpace: config.minimumRequiredSpace,
      log,
    }, clock),
});

/** The checkpoint directory as configured (default under `~/.flume-ws`), `~` expanded. */
export function checkpointDir(configured: string | undefined): string {
  return expandHome(configured ?? `~/${[...DEFAULT_ROOT, "checkpoint"].join("/")}`);
}

/** The data directories as configured (default under `~/.flume-ws`), `~` expanded. */
export function dataDirs(configured: string | undefined): string[] {
  return splitDirs(configured ?? `~/${[...DEFAULT_ROOT, "data"].join("/")}`).map(expandHome);
}

/** Replaces a leading `~` with the home directory (for the defaults and users alike). */
export function expandHome(path: string): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) {
    throw new ChannelError(
      `Cannot expand "${path}": HOME is not set; set checkpointDir and dataDirs to absolute paths`,
    );
  }
  return join(home, path.slice(1));
}
