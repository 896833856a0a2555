/**
 * The spillable memory channel: Flume's memory channel with the file
 * channel's store on disk as overflow.
 *
 * @module
 */
import type { DirectoryClaim } from "../../api/component.ts";
import { defineChannel } from "../../api/component.ts";
import { checkpointDir, dataDirs } from "../file/mod.ts";
import { SpillableMemoryChannel } from "./spillable_channel.ts";
import { checkSpillable, SPILLABLE_PATTERNS, SPILLABLE_PROPERTIES } from "./spec.ts";

export { SpillableMemoryChannel, type SpillableMemoryChannelOptions } from "./spillable_channel.ts";

/** The `SPILLABLEMEMORY` channel type (any case, and Flume's class name). */
export const SPILLABLE_MEMORY_CHANNEL = defineChannel({
  type: "SPILLABLEMEMORY",
  aliases: ["org.apache.flume.channel.SpillableMemoryChannel"],
  summary: "Events in memory while it has room, spilled to the file channel's store on disk " +
    "when it has not; in order across both; only the spilled ones survive a crash",
  example: `
a1.channels = c1
a1.channels.c1.type = SPILLABLEMEMORY
a1.channels.c1.memoryCapacity = 10000
a1.channels.c1.overflowCapacity = 1000000
a1.channels.c1.byteCapacity = 800000
a1.channels.c1.checkpointDir = /var/lib/flume-ws/spill/checkpoint
a1.channels.c1.dataDirs = /var/lib/flume-ws/spill/data`,
  properties: SPILLABLE_PROPERTIES,
  patterns: SPILLABLE_PATTERNS,
  check: checkSpillable,
  directories: (config): DirectoryClaim[] =>
    config.overflowCapacity === 0 ? [] : [
      { property: "checkpointDir", path: checkpointDir(config.checkpointDir), exclusive: true },
      ...dataDirs(config.dataDirs).map((path) => ({ property: "dataDirs", path, exclusive: true })),
    ],
  create: ({ name, config, counters, clock, log }) =>
    new SpillableMemoryChannel(name, counters, {
      memoryCapacity: config.memoryCapacity,
      overflowCapacity: config.overflowCapacity,
      overflowTimeoutMs: config.overflowTimeout,
      overflowDeactivationThreshold: config.overflowDeactivationThreshold,
      byteCapacity: config.byteCapacity,
      byteCapacityBufferPercentage: config.byteCapacityBufferPercentage,
      avgEventSize: config.avgEventSize,
      transactionCapacity: config.transactionCapacity,
      keepAliveMs: config["keep-alive"],
      ...(config.overflowCapacity === 0 ? {} : {
        checkpointDir: checkpointDir(config.checkpointDir),
        dataDirs: dataDirs(config.dataDirs),
      }),
      minimumRequiredSpace: config.minimumRequiredSpace,
      log,
    }, clock),
});
