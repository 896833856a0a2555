/** Whether a runner keeps going at full speed or should back off. */
export type Status = "READY" | "BACKOFF";

/** Something that starts and stops with the agent. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
