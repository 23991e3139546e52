/** A Redis URL for messages, without its password (no ioredis import: the embedded gateway loads this too). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}
