// Parsing `Authorization` headers: the scheme, Digest's auth-params, Basic's pair.

export type ParsedAuthorization =
  | { scheme: "none" }
  | { scheme: "digest"; params: Record<string, string> }
  | { scheme: "bearer"; token: string }
  | { scheme: "basic"; user: string; password: string }
  | { scheme: "other" };

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) return { scheme: "none" };
  const match = /^\s*(\S+)\s*(.*)$/s.exec(header);
  if (!match) return { scheme: "none" };
  const scheme = (match[1] ?? "").toLowerCase();
  const rest = match[2] ?? "";
  if (scheme === "digest") return { scheme: "digest", params: parseAuthParams(rest) };
  if (scheme === "bearer") return rest.trim() ? { scheme: "bearer", token: rest.trim() } : { scheme: "other" };
  if (scheme === "basic") {
    const decoded = Buffer.from(rest.trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { scheme: "other" };
    return { scheme: "basic", user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { scheme: "other" };
}

/**
 * `name=token` or `name="quoted \" string"` pairs separated by commas with optional whitespace
 * (curl writes `", "`, digest-fetch writes `","`). Names are lower-cased; the first occurrence wins.
 */
export function parseAuthParams(input: string): Record<string, string> {
  const params: Record<string, string> = {};
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (i < n && (input[i] === " " || input[i] === "\t" || input[i] === ",")) i++;
    const nameStart = i;
    while (i < n && input[i] !== "=" && input[i] !== ",") i++;
    const name = input.slice(nameStart, i).trim().toLowerCase();
    if (i >= n || input[i] !== "=") continue;
    i++;
    while (i < n && (input[i] === " " || input[i] === "\t")) i++;
    let value = "";
    if (input[i] === '"') {
      i++;
      while (i < n && input[i] !== '"') {
        if (input[i] === "\\" && i + 1 < n) i++;
        value += input[i];
        i++;
      }
      i++;
    } else {
      const start = i;
      while (i < n && input[i] !== ",") i++;
      value = input.slice(start, i).trim();
    }
    if (name && !Object.hasOwn(params, name)) params[name] = value;
  }
  return params;
}
