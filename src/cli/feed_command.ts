import { startFeed } from "../feed/feed_server.ts";
import { explainNetworkError, formatTarget, type NetworkTarget } from "../util/net_errors.ts";
import { parseOptions, parseWholeNumber } from "./args.ts";
import type { Output } from "./fatal.ts";
import { FEED_HELP } from "./help.ts";
import { configureLogging, logFor } from "./logging.ts";
import { UsageError } from "./usage_error.ts";

const OPTIONS = {
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", short: "p", default: "8765" },
  rate: { type: "string", default: "10" },
  count: { type: "string" },
  size: { type: "string", default: "0" },
  binary: { type: "boolean", default: false },
  help: { type: "boolean", short: "h" },
} as const;

/** The largest `--size`: the largest message the WebSocket source accepts (64 MiB). */
const MAX_SIZE = 64 * 1024 * 1024;

/** How long the feed waits for its clients to close when it stops. */
const CLOSE_TIMEOUT_MS = 2000;

/** The highest `--rate`; `--rate 0` sends as fast as the socket takes them. */
const MAX_RATE = 1_000_000;

/** `flume-ws feed`: serves synthetic market data until SIGINT/SIGTERM. */
export async function feedCommand(args: readonly string[], output: Output): Promise<number> {
  const values = parseOptions(args, { command: "feed", options: OPTIONS });
  if (values.help) {
    output.out(FEED_HELP);
    return 0;
  }
  const command = "feed";
  const port = parseWholeNumber("port", values.port, {
    command,
    max: 65535,
    hint: "0 picks a free port",
  });
  const rate = parseWholeNumber("rate", values.rate, {
    command,
    max: MAX_RATE,
    hint: "0 sends as fast as the client takes them",
  });
  const count = values.count === undefined
    ? undefined
    : parseWholeNumber("count", values.count, { command, hint: "0 only echoes" });
  const size = parseWholeNumber("size", values.size, { command, max: MAX_SIZE });
  if (values.host.trim() === "") {
    throw new UsageError('Invalid --host "": expected a host name or address', command);
  }
  await configureLogging("info");
  const log = logFor("feed", String(port));
  const target = { hostname: values.host, port };
  let feed;
  try {
    feed = await startFeed({
      hostname: values.host,
      port,
      rate,
      count,
      size,
      binary: values.binary,
      log,
    });
  } catch (err) {
    throw new Error(listenFailure(err, target), { cause: err });
  }
  log.info(`Feed listening on ws://${formatTarget({ ...target, port: feed.port })}/`);
  const { promise, resolve } = Promise.withResolvers<void>();
  const stop = (): void => resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await promise;
  // The listeners stay while closing, so that a repeated signal (a second
  // Ctrl-C, `make run`'s cleanup) does not cut it short; the close is bounded.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    feed.close().then(() => true),
    new Promise<false>((done) => timer = setTimeout(() => done(false), CLOSE_TIMEOUT_MS)),
  ]);
  clearTimeout(timer);
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  const how = closed ? "" : ` (clients not closed within ${CLOSE_TIMEOUT_MS / 1000} s)`;
  log.info(`Feed stopped after ${feed.sent()} message(s)${how}`);
  return 0;
}

/** Why the feed cannot listen on `target`, and what to do about it. */
function listenFailure(err: unknown, target: NetworkTarget): string {
  const where = `Cannot listen on ${formatTarget(target)}`;
  if (err instanceof Deno.errors.AddrInUse) {
    return `${where}: port ${target.port} is already in use; stop the program that holds it, ` +
      `or choose another port with --port PORT (--port 0 picks a free one)`;
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return `${where}: "${target.hostname}" is not an address of this machine (--host)`;
  }
  return `${where}: ${explainNetworkError(err, target)}`;
}
