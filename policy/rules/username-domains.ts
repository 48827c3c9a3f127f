// allowed-username-domains: every username the package declares — an OrgInvitation's, an
// OrgMembership's, a ProjectMembership's, a Team's founders — is in an allowed domain, or is one of
// the usernames allowed whatever their domain. A username not known at preview is not judged.

import { usernameKey } from "../../sdk/api/username";
import type { DomainsConfig } from "../config";
import { RULES } from "../names";
import { describe, knownTexts, text, texts, type Declared } from "../resources";

/** The usernames of a resource the rule checks, with the property each comes from. */
function usernames(d: Declared): { property: string; username: string }[] {
  switch (d.kind) {
    case "OrgInvitation":
    case "OrgMembership":
    case "ProjectMembership": {
      const username = text(d, "username");
      return typeof username === "string" ? [{ property: "username", username }] : [];
    }
    case "Team":
      return knownTexts(texts(d, "founders")).map((username) => ({ property: "founders", username }));
    default:
      return [];
  }
}

/** The domain of an address (after its last "@"), lower case; undefined when it has none. */
export function domainOf(username: string): string | undefined {
  const key = usernameKey(username);
  const at = key.lastIndexOf("@");
  const domain = at < 0 ? "" : key.slice(at + 1);
  return domain === "" ? undefined : domain;
}

/** Whether `domain` is allowed by an entry: "example.com" exactly, "*.example.com" any subdomain of it. */
export function domainAllowed(domain: string, allowed: string[]): boolean {
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/^@/, "");
    if (!e.startsWith("*.")) return domain === e;
    const suffix = e.slice(1); // ".example.com"
    return domain.endsWith(suffix) && domain.length > suffix.length;
  });
}

/** The rule's messages for one resource (none when it is not concerned or nothing is wrong). */
export function usernameDomainViolations(d: Declared, config: DomainsConfig): string[] {
  if (config.domains.length === 0) return [];
  const exempt = new Set(config.allowedUsernames.map(usernameKey));
  const allowed = config.domains.join(", ");
  const messages: string[] = [];
  for (const { property, username } of usernames(d)) {
    if (exempt.has(usernameKey(username))) continue;
    const domain = domainOf(username);
    if (domain !== undefined && domainAllowed(domain, config.domains)) continue;
    const where = domain === undefined ? "has no domain" : `is in domain "${domain}"`;
    const fix =
      domain === undefined
        ? `declare the person by their email address in an allowed domain, or add "${username}" to "allowedUsernames"`
        : `declare the person by their address in an allowed domain, or add "${domain}" to "domains" (or "${username}" to "allowedUsernames")`;
    messages.push(
      `${describe(d)}: ${property} "${username}" ${where}; rule ${RULES.domains} allows only ${allowed}. ` +
        `Fix: ${fix} in the policy config of ${RULES.domains}.`,
    );
  }
  return messages;
}
