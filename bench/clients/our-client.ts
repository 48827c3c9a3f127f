// (1) Our CloudManagerClient with an API key: Digest with a cached challenge, hex nc taken before sending.
import { CloudManagerClient, isCloudManagerError } from "../../sdk";
import type { BenchClient, BenchClientKind, BenchTarget, CallOutcome } from "./bench-client";

function failure(error: unknown): CallOutcome {
  if (isCloudManagerError(error)) {
    return { ok: false, reason: error.status !== undefined ? `HTTP ${error.status}` : error.code };
  }
  return { ok: false, reason: error instanceof Error ? error.name : "error" };
}

export const ourClient: BenchClientKind = {
  id: "ours",
  label: "CloudManagerClient (ours)",
  async create(target: BenchTarget): Promise<BenchClient> {
    const client = new CloudManagerClient({ baseUrl: target.baseUrl, publicKey: target.publicKey, privateKey: target.privateKey });
    return {
      async getInvitation(invitationId) {
        try {
          await client.getInvitation(target.orgId, invitationId);
          return { ok: true };
        } catch (error) {
          return failure(error);
        }
      },
      async createInvitation(username, roles) {
        try {
          await client.createInvitation(target.orgId, { username, roles });
          return { ok: true };
        } catch (error) {
          return failure(error);
        }
      },
      close: () => client.close(),
    };
  },
};
