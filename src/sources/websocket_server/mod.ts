/**
 * The WebSocket server source: clients connect to the agent and each
 * message they send becomes an event.
 *
 * @module
 */
export {
  WEBSOCKET_SERVER_SOURCE,
  type WebSocketServerOptions,
  WebSocketServerSource,
} from "./websocket_server_source.ts";
export { WEBSOCKET_SERVER_COUNTERS, WEBSOCKET_SERVER_PROPERTIES } from "./spec.ts";
