import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A real HTTP hop between the client and the emulator. It forwards every request as it came and can
// drop the client's connection AFTER the emulator answered: the failure where the server acted but
// the client never heard (which a fault injected in front of the handler cannot produce). It also
// records the headers that went through, so tests can search for credentials elsewhere.

export interface ForwardingProxy {
  origin: string;
  baseUrl: string;
  /** Authorization headers seen, in order. */
  authorizations: string[];
  /** Drop the client connection after the upstream answered, for the next `count` requests matching. */
  dropAfterResponse(method: string, pathPattern: RegExp, count: number): void;
  close(): Promise<void>;
}

export async function startForwardingProxy(upstreamOrigin: string): Promise<ForwardingProxy> {
  const upstream = new URL(upstreamOrigin);
  const authorizations: string[] = [];
  const drops: { method: string; pattern: RegExp; remaining: number }[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization);
      const path = req.url ?? "/";
      const drop = drops.find((d) => d.remaining > 0 && d.method === req.method && d.pattern.test(path.split("?")[0] ?? ""));
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => body.push(chunk));
        answer.on("end", () => {
          if (drop !== undefined) {
            drop.remaining -= 1;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      forwarded.on("error", () => req.socket.destroy());
      forwarded.end(Buffer.concat(chunks));
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}/api/public/v1.0`,
    authorizations,
    dropAfterResponse: (method, pattern, count) => drops.push({ method, pattern, remaining: count }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
