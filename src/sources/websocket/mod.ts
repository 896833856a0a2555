/**
 * The WebSocket source.
 *
 * @module
 */
export {
  WEBSOCKET_SOURCE,
  WebSocketSource,
  type WebSocketSourceOptions,
} from "./websocket_source.ts";
export { WEBSOCKET_PROPERTIES } from "./spec.ts";
