// A small path-pattern router: `/orgs/:orgId/invites` style patterns, 404 vs 405 told apart.

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

export type RouteResult<H> = { kind: "match"; match: RouteMatch<H> } | { kind: "wrongMethod"; allowed: string[] } | { kind: "none" };

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  resolve(method: string, path: string): RouteResult<H> {
    const parts = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: "match", match: { handler: route.handler, params } };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrongMethod", allowed } : { kind: "none" };
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s, i, all) => !(s === "" && (i === 0 || i === all.length - 1)));
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const part = parts[i] as string;
    if (p.startsWith(":")) {
      if (part === "") return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
