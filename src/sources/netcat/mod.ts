/**
 * Flume's netcat sources: lines over TCP (`netcat`) and datagrams over UDP
 * (`netcatudp`).
 *
 * @module
 */
export { NETCAT_SOURCE, NetcatSource, type NetcatSourceOptions } from "./netcat_source.ts";
export {
  NETCAT_UDP_SOURCE,
  NetcatUdpSource,
  type NetcatUdpSourceOptions,
} from "./netcat_udp_source.ts";
export { LineReader } from "./line_reader.ts";
