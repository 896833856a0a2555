/**
 * flume-ws: an Apache Flume-compatible agent with a WebSocket source.
 *
 * @module
 */
import { PROCESS_OUTPUT } from "./src/cli/fatal.ts";
import { main } from "./src/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args, PROCESS_OUTPUT));
}
