// Who may use the control plane: it has no auth, so a browser page must not reach it. A page on
// another origin (CSRF from any site or another local dev server) sends a foreign Origin; a
// DNS-rebinding page sends its own name as Host; a "simple" cross-origin POST cannot send
// Content-Type: application/json without a preflight, which the emulator never grants.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { ApiError, unsupportedMediaType } from "./errors";
import { hasBody, mediaType } from "./http-io";

/** Throws the 403/415 the request deserves, or returns when it may go on. */
export function guardControlPlane(req: IncomingMessage, extraHosts: readonly string[], scheme: "http" | "https" = "http"): void {
  const host = req.headers.host;
  if (host !== undefined && !hostAllowed(host, req, extraHosts, scheme)) {
    throw new ApiError(
      403,
      "CONTROL_PLANE_FOREIGN_HOST",
      `The control plane answers only requests addressed to a loopback name or address or to the emulator's own address, not Host ${host} (a DNS-rebinding page would send its own name). Add the name with controlPlaneHosts / --control-plane-host if you reach the emulator by it.`,
      [host],
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, host, scheme)) {
    throw new ApiError(
      403,
      "CONTROL_PLANE_FOREIGN_ORIGIN",
      `The control plane refuses requests from web pages of another origin (Origin ${origin}).`,
      [origin],
    );
  }
  const method = req.method ?? "GET";
  if ((method === "POST" || hasBody(req)) && mediaType(req) !== "application/json") {
    throw unsupportedMediaType(req.headers["content-type"]);
  }
}

function sameOrigin(origin: string, host: string | undefined, scheme: "http" | "https"): boolean {
  const own = `${scheme}://${host}`;
  if (host === undefined || !URL.canParse(origin) || !URL.canParse(own)) return false;
  const parsed = new URL(origin);
  // URL drops a default port on both sides, so "http://h" and Host "h:80" compare equal (https: 443).
  return parsed.protocol === `${scheme}:` && parsed.host === new URL(own).host && origin.replace(/\/$/, "") === parsed.origin;
}

function hostAllowed(host: string, req: IncomingMessage, extraHosts: readonly string[], scheme: "http" | "https"): boolean {
  const parsed = splitHost(host);
  if (!parsed) return false;
  const name = parsed.name;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) === 4 && name.startsWith("127.")) return true;
  if (name === "::1") return true;
  if (extraHosts.some((h) => h.toLowerCase() === name)) return true;
  // The address this connection arrived at (listening on 0.0.0.0 and reached by the machine's IP).
  const local = unmapped(req.socket.localAddress ?? "");
  const port = parsed.port ?? (scheme === "https" ? 443 : 80);
  return local !== "" && name === local && port === req.socket.localPort;
}

function splitHost(host: string): { name: string; port: number | undefined } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match) return undefined;
  const name = (match[1] ?? match[2] ?? "").toLowerCase().replace(/\.$/, "");
  return { name: unmapped(name), port: match[3] === undefined ? undefined : Number(match[3]) };
}

function unmapped(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
