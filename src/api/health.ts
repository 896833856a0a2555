/**
 * What a running source or sink says about itself, for the monitoring
 * server's `/health`: facts, not a verdict. The monitoring server decides
 * from them whether the component is up.
 *
 * @module
 */

/** One component's own account of how it is doing. Never holds a secret. */
export interface ComponentHealth {
  /**
   * Failures in a row since the last success: connection attempts of a
   * connecting source (an attempt that opened but ended before delivering
   * a message counts as failed, as the reconnect schedule counts it),
   * batches of a sink (a delivery that threw or rolled back).
   */
  readonly consecutiveFailures: number;
  /** For a source that holds a connection: whether it holds one now. Absent otherwise. */
  readonly connected?: boolean;
  /** The last failure's cause, in plain words, endpoints redacted. */
  readonly lastError?: string;
}

/** The health of a component that has nothing to fail (a generator, an idle sink). */
export const NO_FAILURES: ComponentHealth = Object.freeze({ consecutiveFailures: 0 });
