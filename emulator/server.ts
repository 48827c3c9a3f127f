// The HTTP entry point: control plane vs API, faults, auth, rate limits, routing (404/405), request log.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseAuthorization } from "./auth-header";
import { authenticate, describeAuth } from "./authenticate";
import { handleControlPlane } from "./control-plane";
import type { EmulatorCore } from "./core";
import { ApiError, methodNotAllowed, resourceNotFound } from "./errors";
import { faultErrorCode } from "./faults";
import { formatFromQuery, loseAnswer, readBody, remoteAddress, sendError, sendJson, type ResponseFormat } from "./http-io";
import { Router } from "./router";
import type { ApiHandler } from "./routes/api-context";
import { addInvitationRoutes } from "./routes/invitations";
import { addOAuthRoutes, type OAuthHandler } from "./routes/oauth";
import { addOrgRoutes } from "./routes/orgs";
import { addUserRoutes } from "./routes/users";
import type { RequestAuth } from "./types";

export const API_PREFIX = "/api/public/v1.0";
export const CONTROL_PREFIX = "/__emulator";

const apiRouter = new Router<ApiHandler>();
addInvitationRoutes(apiRouter);
addOrgRoutes(apiRouter);
addUserRoutes(apiRouter);

const oauthRouter = new Router<OAuthHandler>();
addOAuthRoutes(oauthRouter);

export function createRequestListener(core: EmulatorCore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(core, req, res).catch((error: unknown) => {
      // Last resort: a bug in the emulator must still answer in the documented shape.
      if (!res.headersSent) {
        const detail = error instanceof Error ? error.message : String(error);
        sendError(res, new ApiError(500, "UNEXPECTED_ERROR", `Unexpected error: ${detail}`), { pretty: false, envelope: false });
      } else {
        res.destroy();
      }
    });
  };
}

async function handle(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const path = url.pathname;
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    await handleControlPlane(core, req, res, path.slice(CONTROL_PREFIX.length), url.searchParams);
    return;
  }

  const method = req.method ?? "GET";
  const seq = core.requestLog.nextSequence();
  const remoteIp = remoteAddress(req);
  const parsedAuth = parseAuthorization(req.headers.authorization);
  const auth: RequestAuth = describeAuth(core, parsedAuth);
  res.on("close", () => {
    const status = res.writableFinished ? res.statusCode : 0;
    core.requestLog.record({ seq, method, path, query: url.search.slice(1), status, auth, remoteAddress: remoteIp });
    core.logLine(`${method} ${path}${url.search} -> ${status || "dropped"} (${authLabel(auth)})`);
  });

  const format = formatFromQuery(url.searchParams);
  const body = await readBody(req).catch((error: unknown) => error);
  if (!(body instanceof Buffer)) {
    if (body instanceof ApiError) sendError(res, body, format);
    else res.destroy();
    return;
  }

  const fault = core.faults.take(method, path);
  if (fault?.type === "drop") {
    if (fault.after !== "handler") {
      req.socket.destroy();
      return;
    }
    // Served as usual, then the answer is lost: "the server acted, the client never heard".
    loseAnswer(res);
  }
  if (fault?.type === "delay") await core.faults.delay(fault.ms);
  if (fault?.type === "status") {
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
    const errorCode = fault.errorCode ?? faultErrorCode(fault.status);
    sendError(res, new ApiError(fault.status, errorCode, `Injected fault: ${errorCode}.`, [], headers), format);
    return;
  }

  if (path.startsWith("/api/oauth/")) {
    handleOAuth(core, method, path, parsedAuth, body, format, res);
    return;
  }
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
    await handleApi(core, req, res, { method, path: path.slice(API_PREFIX.length), query: url.searchParams, body, format, remoteIp, parsedAuth });
    return;
  }
  sendError(res, resourceNotFound(path), format);
}

interface ApiRequest {
  method: string;
  /** Path below /api/public/v1.0. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
  format: ResponseFormat;
  remoteIp: string;
  parsedAuth: ReturnType<typeof parseAuthorization>;
}

async function handleApi(core: EmulatorCore, req: IncomingMessage, res: ServerResponse, r: ApiRequest): Promise<void> {
  const authResult = authenticate(core, req, r.parsedAuth, r.remoteIp);
  if (!authResult.ok) {
    // A challenge keeps its 401 even with envelope=true: a Digest client must see it to sign.
    sendError(res, authResult.error, r.format, { keepStatus: authResult.error.headers["WWW-Authenticate"] !== undefined });
    return;
  }
  try {
    const orgMatch = /^\/orgs\/([^/]+)/.exec(r.path);
    if (orgMatch?.[1]) core.limiter.countRequest(decodeURIComponent(orgMatch[1]));
    const route = apiRouter.resolve(r.method, r.path);
    if (route.kind === "none") throw resourceNotFound(`${API_PREFIX}${r.path}`);
    if (route.kind === "wrongMethod") throw methodNotAllowed(r.method, route.allowed);
    const host = req.headers.host ?? "127.0.0.1";
    const reply = await route.match.handler({
      core,
      params: route.match.params,
      query: r.query,
      body: r.body,
      principal: authResult.principal,
      remoteIp: r.remoteIp,
      origin: `http://${host}`,
    });
    sendJson(res, reply.status, reply.body, r.format);
  } catch (error) {
    if (error instanceof ApiError) sendError(res, error, r.format);
    else if (error instanceof URIError) sendError(res, resourceNotFound(`${API_PREFIX}${r.path}`), r.format);
    else throw error;
  }
}

function handleOAuth(
  core: EmulatorCore,
  method: string,
  path: string,
  auth: ReturnType<typeof parseAuthorization>,
  body: Buffer,
  format: ResponseFormat,
  res: ServerResponse,
): void {
  const route = oauthRouter.resolve(method, path);
  if (route.kind === "none") return sendError(res, resourceNotFound(path), format);
  if (route.kind === "wrongMethod") return sendError(res, methodNotAllowed(method, route.allowed), format);
  const reply = route.match.handler({ core, auth, body });
  sendJson(res, reply.status, reply.body, format, reply.headers ? { headers: reply.headers } : {});
}

function authLabel(auth: RequestAuth): string {
  switch (auth.type) {
    case "digest":
      return `digest ${auth.username} nc=${auth.nc}`;
    case "bearer":
      return `bearer ${auth.clientId ?? "unknown token"}`;
    case "basic":
      return `basic ${auth.clientId}`;
    default:
      return "no auth";
  }
}
