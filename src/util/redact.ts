/**
 * A URL as logs and `check` may show it: no user info, query values masked
 * (tokens often travel there). Anything that is not a URL shows as
 * `<invalid URL>`; URLs separated by whitespace are redacted one by one.
 */
export function redactUrl(endpoint: string): string {
  const several = endpoint.trim().split(/\s+/);
  if (several.length > 1) return several.map(redactUrl).join(" ");
  try {
    const url = new URL(endpoint);
    url.username = "";
    url.password = "";
    for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, "***");
    return url.toString().replaceAll("%2A%2A%2A", "***");
  } catch {
    return "<invalid URL>";
  }
}
