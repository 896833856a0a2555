/**
 * The public component API: everything a new source, channel, sink,
 * channel selector or interceptor needs, and nothing else of flume-ws.
 *
 * @module
 */
export * from "./channel.ts";
export * from "./clock.ts";
export * from "./component.ts";
export * from "./counters.ts";
export * from "./event.ts";
export * from "./health.ts";
export * from "./interceptor.ts";
export * from "./lifecycle.ts";
export * from "./log.ts";
export * from "./monitor.ts";
export * from "./properties.ts";
export * from "./selector.ts";
export * from "./sink.ts";
export * from "./sink_processor.ts";
export * from "./source.ts";
