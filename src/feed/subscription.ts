/** The fields exchanges name a subscription request by, and the words they use. */
const ACTION_FIELDS = ["type", "op", "method", "event", "action"] as const;
const ACTIONS = new Set(["subscribe", "unsubscribe"]);

/**
 * True when `text` is a subscription request as market-data feeds take
 * them: a JSON object whose `type`, `op`, `method`, `event` or `action` is
 * `subscribe` or `unsubscribe`, in any case (Coinbase's
 * `{"type": "subscribe", …}`, Binance's `{"method": "SUBSCRIBE", …}`,
 * Kraken's `{"event": "subscribe", …}`). The demo feed takes these instead of
 * echoing them, so a client's own subscription never comes back as data.
 */
export function isSubscription(text: string): boolean {
  if (!text.trimStart().startsWith("{")) return false;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) return false;
  const fields = message as Record<string, unknown>;
  return ACTION_FIELDS.some((field) => {
    const value = fields[field];
    return typeof value === "string" && ACTIONS.has(value.toLowerCase());
  });
}
