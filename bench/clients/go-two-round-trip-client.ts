// (3) The scheme of MongoDB's Go Digest transport (github.com/mongodb-forks/digest, used by the Atlas
// Go SDK and CLI): EVERY call first goes out unauthenticated (body included), the 401's challenge is
// parsed, and the call is re-sent signed with nc=00000001 and a fresh cnonce. No challenge is cached,
// so it never reuses an nc, but each call costs two round trips.
// Rebuilt here on undici `request` with one keep-alive Agent, signing with our sdk's pure signer.
import { Agent, request, type Dispatcher } from "undici";
import { digestAuthorization, newCnonce, parseDigestChallenge } from "../../sdk/auth/digest-signer";
import type { BenchClient, BenchClientKind, BenchTarget, CallOutcome } from "./bench-client";
import { invitationsUrl, JSON_BODY_HEADERS, JSON_HEADERS } from "./bench-client";

type Method = "GET" | "POST";

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export const goTwoRoundTripClient: BenchClientKind = {
  id: "go-two-round-trips",
  label: "Go transport scheme (2 trips)",
  async create(target: BenchTarget): Promise<BenchClient> {
    const agent = new Agent();
    const base = invitationsUrl(target);

    const send = (url: URL, method: Method, headers: Record<string, string>, body: string | undefined): Promise<Dispatcher.ResponseData> =>
      request(url, { method, headers, dispatcher: agent, ...(body !== undefined ? { body } : {}) });

    async function call(urlText: string, method: Method, body: string | undefined, expected: number): Promise<CallOutcome> {
      const url = new URL(urlText);
      const headers: Record<string, string> = body === undefined ? { ...JSON_HEADERS } : { ...JSON_BODY_HEADERS };
      try {
        let response = await send(url, method, headers, body);
        if (response.statusCode === 401) {
          const challenge = parseDigestChallenge(headerList(response.headers["www-authenticate"]));
          await response.body.dump(); // the Go transport closes this body unread; draining keeps the socket reusable
          if (challenge !== undefined) {
            const authorization = digestAuthorization({
              username: target.publicKey,
              password: target.privateKey,
              challenge,
              method,
              uri: url.pathname + url.search,
              nc: 1,
              cnonce: newCnonce(),
            });
            response = await send(url, method, { ...headers, authorization }, body);
          }
        }
        if (response.statusCode !== expected) {
          await response.body.dump();
          return { ok: false, reason: `HTTP ${response.statusCode}` };
        }
        await response.body.json();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.name : "error" };
      }
    }

    return {
      getInvitation: (invitationId) => call(`${base}/${invitationId}`, "GET", undefined, 200),
      createInvitation: (username, roles) => call(base, "POST", JSON.stringify({ username, roles }), 201),
      close: () => agent.close(),
    };
  },
};
