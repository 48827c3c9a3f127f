// The pack's and its rules' names: what `--policy-pack-config` keys and the CLI's output use.

export const PACK_NAME = "cloudmanager-access";

export const RULES = {
  domains: "allowed-username-domains",
  orgOwners: "max-org-owners",
  projectOwners: "max-project-owners",
  invitationRoles: "no-role-by-invitation",
  orgRoster: "org-has-roster",
  pruneIgnore: "prune-needs-ignore",
} as const;
