import { parseArgs } from "node:util";
import { startFeed } from "../feed/feed_server.ts";
import type { Output } from "./fatal.ts";
import { FEED_HELP } from "./help.ts";
import { configureLogging, logFor } from "./logging.ts";
import { UsageError } from "./usage_error.ts";

/** `flume-ws feed`: serves synthetic market data until SIGINT/SIGTERM. */
export async function feedCommand(args: readonly string[], output: Output): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", short: "p", default: "8765" },
        rate: { type: "string", default: "10" },
        count: { type: "string" },
        size: { type: "string", default: "0" },
        binary: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), "feed");
  }
  if (values.help) {
    output.out(FEED_HELP);
    return 0;
  }
  const whole = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) {
      throw new UsageError(`Invalid --${name} "${text}": expected a whole number`, "feed");
    }
    return Number(text);
  };
  await configureLogging("info");
  const log = logFor("feed", String(values.port));
  const feed = await startFeed({
    hostname: values.host,
    port: whole("port", values.port),
    rate: whole("rate", values.rate),
    count: whole("count", values.count),
    size: whole("size", values.size),
    binary: values.binary,
    log,
  });
  const host = values.host.includes(":") ? `[${values.host}]` : values.host;
  log.info(`Feed listening on ws://${host}:${feed.port}/`);
  const { promise, resolve } = Promise.withResolvers<void>();
  const stop = (): void => resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  await feed.close();
  log.info(`Feed stopped after ${feed.sent()} message(s)`);
  return 0;
}
