/**
 * Turns an event into a Kafka record as Flume's KafkaSink does: the topic
 * from the topic header (when overriding is allowed) or the configured
 * topic with `%{NAME}` substituted, the `key` header as the key, the
 * partition from the partition header or the default partition, and the
 * body (or the whole event in Flume's Avro format) as the value.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Event } from "../../api/event.ts";
import type { FlumeEventFormat } from "./flume_event_format.ts";

/** The header whose value is the record key. */
export const KEY_HEADER = "key";

/** A record to produce. */
export interface KafkaRecord {
  readonly topic: string;
  readonly key?: Buffer;
  readonly value: Buffer;
  readonly partition?: number;
}

/** How events become records. */
export interface RecordRules {
  readonly topic: string;
  readonly allowTopicOverride: boolean;
  readonly topicHeader: string;
  readonly defaultPartitionId?: number;
  readonly partitionIdHeader?: string;
  /** Set: write Flume's Avro event (headers and body) instead of the body. */
  readonly flumeFormat?: FlumeEventFormat;
}

/** Builds records from events; throws RangeError for an invalid partition header. */
export class RecordBuilder {
  readonly #rules: RecordRules;

  /** A builder applying `rules`. */
  constructor(rules: RecordRules) {
    this.#rules = rules;
  }

  /** The record for `event`. */
  build(event: Event): KafkaRecord {
    const rules = this.#rules;
    const headers = event.headers;
    const override = rules.allowTopicOverride ? headers[rules.topicHeader] : undefined;
    const topic = override ?? substitute(rules.topic, headers);
    const key = headers[KEY_HEADER];
    const value = rules.flumeFormat ? rules.flumeFormat.encode(event) : toBuffer(event.body);
    const partition = this.#partition(headers);
    return {
      topic,
      value,
      ...(key === undefined ? {} : { key: Buffer.from(key, "utf8") }),
      ...(partition === undefined ? {} : { partition }),
    };
  }

  #partition(headers: Record<string, string>): number | undefined {
    const name = this.#rules.partitionIdHeader;
    const text = name === undefined ? undefined : headers[name];
    if (text === undefined) return this.#rules.defaultPartitionId;
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) > 2147483647) {
      throw new RangeError(
        `Invalid partition "${text}" in header ${name}: expected a whole number`,
      );
    }
    return Number(trimmed);
  }
}

/** `template` with each `%{NAME}` replaced by the NAME header (empty when absent), as Flume's BucketPath does. */
export function substitute(template: string, headers: Record<string, string>): string {
  return template.includes("%{")
    ? template.replace(/%\{([^}]*)\}/g, (_, name: string) => headers[name] ?? "")
    : template;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
