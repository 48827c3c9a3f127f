import { jsonObjectOf, type SendFn, type WireRequest, type WireResponse } from "../wire";

/**
 * With `envelope=true` Cloud Manager wraps every body as `{"status": <http status>, "content": <body>}`
 * for clients that cannot read status lines (cloud-manager-api.md, "Common query parameters"); whether
 * the status line itself becomes 200 is undocumented. This layer, right above the wire, restores the
 * real status and body, so retries, auth and errors never see the envelope.
 */
export function unwrapEnvelope(next: SendFn): SendFn {
  return async (req: WireRequest): Promise<WireResponse> => {
    const response = await next(req);
    if (req.url.searchParams.get("envelope") !== "true") return response;
    const envelope = parseEnvelope(response.body);
    if (envelope === undefined) return response;
    const body = envelope.content === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(envelope.content), "utf8");
    return { ...response, status: envelope.status, body };
  };
}

function parseEnvelope(body: Buffer): { status: number; content: unknown } | undefined {
  const parsed = jsonObjectOf(body);
  if (parsed === undefined) return undefined;
  const { status, content } = parsed;
  if (typeof status !== "number" || !Number.isInteger(status)) return undefined;
  // A 204 has no content; anything else without a `content` key is not an envelope.
  if (!("content" in parsed) && status !== 204) return undefined;
  return { status, content };
}
