import { int, string } from "../../api/properties.ts";

/** `bind` and `port` as Flume's netcat sources declare them (both required). */
export const LISTEN_PROPERTIES = {
  bind: string({ required: true, doc: "Host name or IP address to bind to" }),
  port: int({
    required: true,
    min: 0,
    max: 65535,
    doc: "Port to bind to; 0 picks a free one (logged as `Listening on HOST:PORT`)",
  }),
} as const;

export { formatAddress, listenError } from "../../util/listen_address.ts";
