// Removing a member, with the same proof before "gone" as withdrawing an invitation: a 404 counts
// only when Cloud Manager itself gave it to an authenticated request AND a fresh members read no
// longer lists the person. A DELETE whose answer was lost and whose retry found nothing most likely
// went through: that is success, said plainly, not a failure of the run.

import { isCloudManagerError, isNotFoundAnswer } from "../../sdk";
import type { OrgUser } from "../../sdk/types";
import type { OrgApi } from "../deployment/org-api";
import { codedMessage } from "../errors/codes";
import { orFail, providerError } from "../errors/provider-error";

export type Removal = { kind: "removed" } | { kind: "already-gone"; retried: boolean };

export async function removeMember(api: OrgApi, member: OrgUser, what: string): Promise<Removal> {
  try {
    await api.removeMember(member);
    return { kind: "removed" };
  } catch (e) {
    if (!isNotFoundAnswer(e)) throw providerError(what, e);
    const retried = isCloudManagerError(e) && (e.attempts ?? 1) > 1;
    const fresh = await orFail(
      api.freshMembers(),
      `Cloud Manager answered 404 for the member ${member.username}; confirming that with the members of organization ${api.orgId}`,
    );
    if (fresh.some((m) => m.id === member.id)) {
      throw new Error(
        codedMessage(
          "MEMBER_STATE_UNCLEAR",
          `Cloud Manager answered 404 for removing ${member.username} but still lists them among the members of organization ` +
            `${api.orgId}. Nothing was changed; run the command again.`,
        ),
        { cause: e },
      );
    }
    return { kind: "already-gone", retried };
  }
}
