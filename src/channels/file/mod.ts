/**
 * The file channel: Flume's durable channel on an embedded SQLite database.
 *
 * @module
 */
import { join } from "node:path";
import type { Channel } from "../../core/channel.ts";
import { ChannelError } from "../../core/channel.ts";
import type { ChannelDefinition, ComponentContext } from "../../core/component.ts";
import { CHANNEL_COUNTERS } from "../../core/counters.ts";
import { FileChannel } from "./file_channel.ts";
import { FILE_CHANNEL_SPEC, splitDirs } from "./spec.ts";

export { FileChannel, type FileChannelOptions } from "./file_channel.ts";
export { FILE_CHANNEL_SPEC } from "./spec.ts";
export { DATABASE_FILE } from "./event_store.ts";
export { LOCK_FILE } from "./directory_lock.ts";

/** Where the defaults live under the home directory, as Flume's under `~/.flume`. */
const DEFAULT_ROOT = [".flume-ws", "file-channel"];

/** The `file` channel type (also `jdbc` and Flume's class names). */
export const FILE_CHANNEL: ChannelDefinition = {
  spec: FILE_CHANNEL_SPEC,
  create(ctx: ComponentContext): Channel {
    const s = ctx.settings;
    const checkpointDir = s.string("checkpointDir");
    const dataDirs = s.string("dataDirs");
    return new FileChannel(ctx.name, ctx.counters.create("CHANNEL", ctx.name, CHANNEL_COUNTERS), {
      checkpointDir: expandHome(checkpointDir ?? `~/${[...DEFAULT_ROOT, "checkpoint"].join("/")}`),
      dataDirs: splitDirs(dataDirs ?? `~/${[...DEFAULT_ROOT, "data"].join("/")}`).map(expandHome),
      capacity: s.number("capacity"),
      transactionCapacity: s.number("transactionCapacity"),
      keepAlive: s.number("keep-alive"),
      minimumRequiredSpace: s.number("minimumRequiredSpace"),
      log: ctx.log,
    }, ctx.clock);
  },
};

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
