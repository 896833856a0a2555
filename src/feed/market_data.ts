const PRODUCTS = ["BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD"] as const;

/**
 * One synthetic market-data tick as JSON text, padded with spaces inside a
 * `pad` field to at least `size` bytes. Deterministic for a given `seq`.
 */
export function marketTick(seq: number, size = 0, now: number = Date.now()): string {
  const product = PRODUCTS[seq % PRODUCTS.length];
  const base = 1000 * (PRODUCTS.indexOf(product) + 1);
  const price = (base + ((seq * 7919) % 10000) / 100).toFixed(2);
  const side = seq % 2 === 0 ? "buy" : "sell";
  const json = `{"type":"ticker","seq":${seq},"product_id":"${product}","price":"${price}",` +
    `"side":"${side}","time":"${new Date(now).toISOString()}"`;
  const padding = size - json.length - '"pad":"",}'.length;
  return padding > 0 ? `${json},"pad":"${" ".repeat(padding)}"}` : `${json}}`;
}
