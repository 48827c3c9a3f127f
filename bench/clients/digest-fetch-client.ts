// (2) digest-fetch 3.1.1 as published: global fetch, cached challenge, decimal nc shared by concurrent
// calls. Its defects (http-and-digest.md) are what this row measures, so it is used as is.
import type { BenchClient, BenchClientKind, BenchTarget, CallOutcome } from "./bench-client";
import { invitationsUrl, JSON_BODY_HEADERS, JSON_HEADERS } from "./bench-client";

interface DigestFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface DigestFetchInstance {
  fetch(url: string, init?: DigestFetchInit): Promise<Response>;
}
type DigestFetchConstructor = new (user: string, password: string, options?: Record<string, unknown>) => DigestFetchInstance;

let loaded: Promise<DigestFetchConstructor> | undefined;

/** The package is ESM-only and its bundled types are `any`: load it once and give it our own narrow type. */
function loadDigestFetch(): Promise<DigestFetchConstructor> {
  loaded ??= import("digest-fetch").then((mod) => (mod as unknown as { default: DigestFetchConstructor }).default);
  return loaded;
}

async function outcome(response: Response, expected: number): Promise<CallOutcome> {
  // Read the body either way, as a real caller would (digest-fetch itself never drains its 401s).
  if (response.status !== expected) {
    await response.arrayBuffer();
    return { ok: false, reason: `HTTP ${response.status}` };
  }
  await response.json();
  return { ok: true };
}

export const digestFetchClient: BenchClientKind = {
  id: "digest-fetch",
  label: "digest-fetch 3.1.1",
  async create(target: BenchTarget): Promise<BenchClient> {
    const DigestFetch = await loadDigestFetch();
    const client = new DigestFetch(target.publicKey, target.privateKey);
    const base = invitationsUrl(target);
    return {
      async getInvitation(invitationId) {
        try {
          // A fresh init object per call: digest-fetch writes the Authorization header into it.
          return await outcome(await client.fetch(`${base}/${invitationId}`, { method: "GET", headers: { ...JSON_HEADERS } }), 200);
        } catch (error) {
          return { ok: false, reason: error instanceof Error ? error.name : "error" };
        }
      },
      async createInvitation(username, roles) {
        try {
          const init = { method: "POST", headers: { ...JSON_BODY_HEADERS }, body: JSON.stringify({ username, roles }) };
          return await outcome(await client.fetch(base, init), 201);
        } catch (error) {
          return { ok: false, reason: error instanceof Error ? error.name : "error" };
        }
      },
      // It holds no resources of its own; its sockets belong to the global fetch.
      close: async () => {},
    };
  },
};
