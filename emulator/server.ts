// The HTTP entry point: request target, control plane vs API, faults, auth, rate limits, routing
// (404/405), media type (415), body, request log.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { parseAuthorization } from "./auth-header";
import { authenticate, describeAuth } from "./authenticate";
import { handleControlPlane } from "./control-plane";
import type { EmulatorParts } from "./emulator-parts";
import { ApiError, invalidRequestTarget, methodNotAllowed, resourceNotFound, unsupportedMediaType } from "./errors";
import { faultErrorCode } from "./faults";
import {
  formatFromQuery,
  hasBody,
  loseAnswer,
  mediaType,
  readBody,
  remoteAddress,
  sendError,
  sendJson,
  SERVICE_VERSION,
  type ResponseFormat,
} from "./http-io";
import { parseRequestTarget } from "./request-target";
import { Router } from "./router";
import type { ApiHandler } from "./routes/api-context";
import { addInvitationRoutes } from "./routes/invitations";
import { addOAuthRoutes, isOAuthReply, oauthClient, type OAuthHandler, type OAuthReply } from "./routes/oauth";
import { addOrgMemberRoutes } from "./routes/org-members";
import { addOrgRoutes } from "./routes/orgs";
import { addProjectInvitationRoutes } from "./routes/project-invitations";
import { addProjectUserRoutes } from "./routes/project-users";
import { addProjectRoutes } from "./routes/projects";
import { addTeamRoutes } from "./routes/teams";
import { addUserRoutes } from "./routes/users";
import type { RequestAuth } from "./types";

export const API_PREFIX = "/api/public/v1.0";
export const CONTROL_PREFIX = "/__emulator";

const apiRouter = new Router<ApiHandler>();
addInvitationRoutes(apiRouter);
addOrgRoutes(apiRouter);
addOrgMemberRoutes(apiRouter);
addTeamRoutes(apiRouter);
addProjectRoutes(apiRouter);
addProjectUserRoutes(apiRouter);
addProjectInvitationRoutes(apiRouter);
addUserRoutes(apiRouter);

const oauthRouter = new Router<OAuthHandler>();
addOAuthRoutes(oauthRouter);

export function createRequestListener(parts: EmulatorParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
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

/** Methods whose API routes consume a JSON body (Content-Type checked, 415 otherwise). */
const BODY_METHODS = new Set(["POST", "PATCH", "PUT"]);
const PLAIN: ResponseFormat = { pretty: false, envelope: false };

async function handle(parts: EmulatorParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawTarget = req.url ?? "/";
  const target = parseRequestTarget(rawTarget);
  const path = target?.path ?? rawTarget;
  if (target && (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))) {
    await handleControlPlane(parts, req, res, path.slice(CONTROL_PREFIX.length), target.query);
    return;
  }

  const method = req.method ?? "GET";
  const seq = parts.requestLog.nextSequence();
  const remoteIp = remoteAddress(req);
  const parsedAuth = parseAuthorization(req.headers.authorization);
  const auth: RequestAuth = describeAuth(parts, parsedAuth);
  const search = target?.search ?? "";
  res.on("close", () => {
    const status = res.writableFinished ? res.statusCode : 0;
    parts.requestLog.record({ seq, method, path, query: search.slice(1), status, auth, remoteAddress: remoteIp });
    try {
      parts.logLine(`${method} ${path}${search} -> ${status || "dropped"} (${authLabel(auth)})`);
    } catch {
      // Logging must never take the server down (a throwing log callback, a closed stream).
    }
  });

  if (!target) {
    sendError(res, invalidRequestTarget(rawTarget), PLAIN);
    return;
  }
  const format = formatFromQuery(target.query);

  // Nothing below reads the body until the request is known to be wanted (authenticated, routed,
  // JSON): an answer given before that leaves it unread (see sendJson for what happens to it).
  const fault = parts.faults.take(method, path);
  if (fault?.type === "drop") {
    if (fault.after !== "handler") {
      req.socket.destroy();
      return;
    }
    // Served as usual, then the answer is lost: "the server acted, the client never heard".
    loseAnswer(res);
  }
  if (fault?.type === "delay") await parts.faults.delay(fault.ms);
  if (fault?.type === "status") {
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
    const errorCode = fault.errorCode ?? faultErrorCode(fault.status);
    sendError(res, new ApiError(fault.status, errorCode, `Injected fault: ${errorCode}.`, [], headers), format);
    return;
  }

  if (path.startsWith("/api/oauth/")) {
    await handleOAuth(parts, req, res, { method, path, parsedAuth, format });
    return;
  }
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
    await handleApi(parts, req, res, { method, path: path.slice(API_PREFIX.length), query: target.query, format, remoteIp, parsedAuth });
    return;
  }
  sendError(res, resourceNotFound(path), format);
}

/** The body, or undefined once the error has been answered (413) or the connection dropped. */
async function bodyOrAnswer(req: IncomingMessage, res: ServerResponse, format: ResponseFormat): Promise<Buffer | undefined> {
  try {
    return await readBody(req);
  } catch (error) {
    if (error instanceof ApiError) sendError(res, error, format);
    else res.destroy();
    return undefined;
  }
}

interface ApiRequest {
  method: string;
  /** Path below /api/public/v1.0. */
  path: string;
  query: URLSearchParams;
  format: ResponseFormat;
  remoteIp: string;
  parsedAuth: ReturnType<typeof parseAuthorization>;
}

async function handleApi(parts: EmulatorParts, req: IncomingMessage, res: ServerResponse, r: ApiRequest): Promise<void> {
  const authResult = authenticate(parts, req, r.parsedAuth, r.remoteIp);
  if (!authResult.ok) {
    // A challenge keeps its 401 even with envelope=true: a Digest client must see it to sign.
    sendError(res, authResult.error, r.format, { keepStatus: authResult.error.headers["WWW-Authenticate"] !== undefined });
    return;
  }
  let body: Buffer | undefined;
  try {
    const limitedOrg = rateLimitedOrg(parts, r.path);
    if (limitedOrg !== undefined) parts.limiter.countRequest(limitedOrg);
    const route = apiRouter.resolve(r.method, r.path);
    if (route.kind === "none") throw resourceNotFound(`${API_PREFIX}${r.path}`);
    if (route.kind === "wrongMethod") throw methodNotAllowed(r.method, route.allowed);
    if (BODY_METHODS.has(r.method)) requireJsonBody(req);
    body = await bodyOrAnswer(req, res, r.format);
    if (body === undefined) return;
    const host = req.headers.host ?? "127.0.0.1";
    const reply = await route.match.handler({
      parts,
      params: route.match.params,
      query: r.query,
      body,
      principal: authResult.principal,
      remoteIp: r.remoteIp,
      origin: `${parts.scheme}://${host}`,
    });
    sendJson(res, reply.status, reply.body, r.format);
  } catch (error) {
    if (error instanceof ApiError) sendError(res, error, r.format);
    else if (error instanceof URIError) sendError(res, resourceNotFound(`${API_PREFIX}${r.path}`), r.format);
    else throw error;
  }
}

/** The org a request counts against: the one in an `/orgs/{ORG-ID}` path, or a known project's org. */
function rateLimitedOrg(parts: EmulatorParts, path: string): string | undefined {
  const orgMatch = /^\/orgs\/([^/]+)/.exec(path);
  if (orgMatch?.[1]) return decodeURIComponent(orgMatch[1]);
  const groupMatch = /^\/groups\/([^/]+)/.exec(path);
  return groupMatch?.[1] ? parts.store.projects.orgOf(decodeURIComponent(groupMatch[1])) : undefined;
}

/**
 * Cloud Manager's API consumes application/json only (JAX-RS answers any other request media type
 * with 415). An empty body without a Content-Type goes on, to be refused as INVALID_JSON.
 */
function requireJsonBody(req: IncomingMessage): void {
  const type = mediaType(req);
  if (type === "application/json" || (type === undefined && !hasBody(req))) return;
  throw unsupportedMediaType(req.headers["content-type"]);
}

interface OAuthCall {
  method: string;
  path: string;
  parsedAuth: ReturnType<typeof parseAuthorization>;
  format: ResponseFormat;
}

async function handleOAuth(parts: EmulatorParts, req: IncomingMessage, res: ServerResponse, call: OAuthCall): Promise<void> {
  const { method, path, format } = call;
  const route = oauthRouter.resolve(method, path);
  if (route.kind === "none") return sendError(res, resourceNotFound(path), format);
  if (route.kind === "wrongMethod") return sendError(res, methodNotAllowed(method, route.allowed), format);
  // The client is authenticated from its Basic header before its form is read.
  const account = oauthClient(parts, call.parsedAuth);
  const reply = isOAuthReply(account)
    ? account
    : await formReply(req, res, format, (body) => route.match.handler({ parts, account, body }));
  if (reply) sendJson(res, reply.status, reply.body, format, reply.headers ? { headers: reply.headers } : {});
}

async function formReply(
  req: IncomingMessage,
  res: ServerResponse,
  format: ResponseFormat,
  handler: (body: Buffer) => OAuthReply,
): Promise<OAuthReply | undefined> {
  const body = await bodyOrAnswer(req, res, format);
  return body === undefined ? undefined : handler(body);
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

/**
 * Requests Node's parser refuses (a target with control characters, a malformed header, …) never
 * reach the listener; answer them in the API's error shape too, then close.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const errorCode = status === 400 ? "INVALID_REQUEST" : status === 431 ? "REQUEST_HEADERS_TOO_LARGE" : "REQUEST_TIMEOUT";
  const body = JSON.stringify(
    new ApiError(status, errorCode, `The request could not be parsed (${error.code ?? error.message}).`).toBody(),
  );
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Content-Type: application/json\r\n" +
      "Strict-Transport-Security: max-age=300\r\n" +
      `X-MongoDB-Service-Version: ${SERVICE_VERSION}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
