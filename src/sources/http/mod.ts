/**
 * Flume's HTTP source, with its JSON and BLOB handlers.
 *
 * @module
 */
export { HTTP_SOURCE, HttpSource, type HttpSourceOptions } from "./http_source.ts";
export { BadRequestError, type HttpHandler } from "./handler.ts";
export { JsonHandler, parseJsonEvents } from "./json_handler.ts";
export { BlobHandler } from "./blob_handler.ts";
export { BLOB_HANDLER, HTTP_PROPERTIES, JSON_HANDLER } from "./spec.ts";
