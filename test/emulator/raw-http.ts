// Bytes on a socket, for what fetch cannot send or show: odd request targets, bodies that never
// finish, several requests on one connection, Host headers of our choosing.
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export class RawConnection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    socket.on("end", end);
    socket.on("close", end);
    // The server may close while we still write (it refused the body): that is the point of some tests.
    socket.on("error", end);
  }

  static async open(origin: string): Promise<RawConnection> {
    const url = new URL(origin);
    const socket = connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ""));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawConnection(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete response (Content-Length bodies, or up to the close). */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.tryParse();
      if (parsed) return parsed;
      if (this.ended) throw new Error(`connection closed before a complete response: ${JSON.stringify(this.buffer.toString("latin1"))}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the server has closed the connection. */
  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private tryParse(): RawResponse | undefined {
    const headEnd = this.buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) return undefined;
    const [statusLine = "", ...lines] = this.buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
    const bodyStart = headEnd + 4;
    if (length === undefined && !this.ended) return undefined;
    const bodyEnd = length === undefined ? this.buffer.length : bodyStart + length;
    if (this.buffer.length < bodyEnd) return undefined;
    const body = this.buffer.subarray(bodyStart, bodyEnd).toString("utf8");
    this.buffer = this.buffer.subarray(bodyEnd);
    return { status: Number(statusLine.split(" ")[1]), headers, body };
  }
}

/** One request on a fresh connection; the raw head is written as given (CRLFs included by the caller). */
export async function rawRequest(origin: string, head: string, body: string | Buffer = ""): Promise<RawResponse> {
  const conn = await RawConnection.open(origin);
  try {
    conn.write(head);
    if (body.length > 0) conn.write(body);
    return await conn.response();
  } finally {
    conn.destroy();
  }
}
