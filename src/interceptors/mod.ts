/**
 * The built-in interceptors: Flume's (timestamp, host, static,
 * remove_header, uuid, regex_filter, regex_extractor) and json_extractor.
 *
 * @module
 */
export { HOST_INTERCEPTOR } from "./host_interceptor.ts";
export { JSON_EXTRACTOR_INTERCEPTOR } from "./json_extractor_interceptor.ts";
export { REGEX_EXTRACTOR_INTERCEPTOR } from "./regex_extractor_interceptor.ts";
export { REGEX_FILTER_INTERCEPTOR } from "./regex_filter_interceptor.ts";
export { REMOVE_HEADER_INTERCEPTOR } from "./remove_header_interceptor.ts";
export { STATIC_INTERCEPTOR } from "./static_interceptor.ts";
export { TIMESTAMP_INTERCEPTOR } from "./timestamp_interceptor.ts";
export { UUID_INTERCEPTOR } from "./uuid_interceptor.ts";
