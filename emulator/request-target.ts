// The request target as sent: origin-form ("/path?query") or absolute-form ("http://host/path"),
// which RFC 9112 says a server must accept. Anything else ("//", "*", "foo") is not a path here.

export interface RequestTarget {
  /** Path as sent, not decoded. */
  path: string;
  /** "?…" or "". */
  search: string;
  query: URLSearchParams;
}

export function parseRequestTarget(target: string): RequestTarget | undefined {
  let pathAndQuery = target;
  if (/^https?:\/\//i.test(target)) {
    // URL.canParse first: a malformed absolute-form must not throw.
    if (!URL.canParse(target)) return undefined;
    const url = new URL(target);
    pathAndQuery = url.pathname + url.search;
  }
  // "//host/…" would read as a network-path reference (a URL parser takes "host" for a host).
  if (!pathAndQuery.startsWith("/") || pathAndQuery.startsWith("//")) return undefined;
  const hash = pathAndQuery.indexOf("#");
  if (hash >= 0) pathAndQuery = pathAndQuery.slice(0, hash);
  const mark = pathAndQuery.indexOf("?");
  const path = mark < 0 ? pathAndQuery : pathAndQuery.slice(0, mark);
  const search = mark < 0 ? "" : pathAndQuery.slice(mark);
  return { path, search: search === "?" ? "" : search, query: new URLSearchParams(search) };
}
