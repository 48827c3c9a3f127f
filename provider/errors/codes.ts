// The provider's error codes, in one list. Every error the provider throws starts with one of them
// (`LAST_ORG_OWNER: …`): branch on the code, never on the text after it. docs/troubleshooting.md is
// generated from this list (`npm run docs:codes`), and test/provider/error-codes.test.ts fails when a
// message under provider/ starts with a code that is not here. Errors of the API client keep their
// own codes (CloudManagerErrorCode, sdk/errors/cloud-manager-error.ts) and Cloud Manager's `errorCode`.
//
// Each entry: `summary`, what happened; `advice`, what the user does. One line each, Markdown, as
// they appear in the troubleshooting table.

export interface ProviderErrorCodeInfo {
  readonly summary: string;
  readonly advice: string;
}

export const PROVIDER_ERROR_CODES = {
  // ---- setup: credentials, configuration, installation ----
  CLOUDMANAGER_CREDENTIALS_MISSING: {
    summary:
      "no complete API key or service account in stack config or the environment (the message says which settings are set); nothing was sent",
    advice:
      "set ONE pair: `cloudmanager:publicKey` and `cloudmanager:privateKey` (or `MCLI_PUBLIC_API_KEY` and `MCLI_PRIVATE_API_KEY`), or " +
      "`cloudmanager:clientId` and `cloudmanager:clientSecret` (or `CLOUDMANAGER_CLIENT_ID` and `CLOUDMANAGER_CLIENT_SECRET`); " +
      "the key or account needs the Organization Owner role",
  },
  CLOUDMANAGER_CONFIG_INVALID: {
    summary:
      "a setting is unusable: the base URL is not an http(s) URL, the CA certificate file is unreadable or holds no PEM certificate, " +
      "or `PULUMI_CONFIG` (set by the Pulumi engine) is not JSON",
    advice:
      "fix the setting the message names: `cloudmanager:baseUrl` / `MCLI_OPS_MANAGER_URL`, or `cloudmanager:caCertificate` / " +
      "`MCLI_OPS_MANAGER_CA_CERTIFICATE` (the path of a PEM file holding your Ops Manager's CA certificate, or the PEM itself)",
  },
  CLOUDMANAGER_PROVIDER_NOT_INSTALLED: {
    summary:
      "the provider process cannot load `pulumi-cloudmanager` (the stored provider loads the installed package at every call); a resource stored by an installed package says instead `Cannot find module 'pulumi-cloudmanager/dist/provider/resources/<type>/stored.js'`",
    advice: "`npm install pulumi-cloudmanager` in the Pulumi project (not globally), then run the command again",
  },
  CLOUDMANAGER_PLUGIN_BROKEN: {
    summary:
      "the `cloudmanager` plugin found no `pulumi-cloudmanager` package.json above its own files: the installed package is incomplete or was moved",
    advice: "`npm install pulumi-cloudmanager` again in the project, and name `./node_modules/pulumi-cloudmanager/plugin` in `Pulumi.yaml`",
  },

  // ---- ids and import ----
  INVALID_RESOURCE_ID: {
    summary: "an id given to `pulumi import` or to a resource's `get` does not have that resource's form",
    advice:
      "use `{orgId}/{invitationId}` for an `OrgInvitation`, `{orgId}/{username}` for an `OrgMembership`, `{orgId}/roster` for an " +
      "`OrgRoster` (an org id is 24 lowercase hex characters)",
  },
  RESOURCE_NOT_FOUND: {
    summary:
      "`pulumi import` (or a `get`) found nothing under the id: no pending invitation with that id, or a person neither a member nor invited",
    advice: "check the id; an accepted invitation is a member: import it as an `OrgMembership` (`{orgId}/{username}`)",
  },
  // (new)
  IMPORTED_TWICE: {
    summary: "the person is already imported into this stack, or managed by another of its resources",
    advice: "keep one resource per person: drop the second import, or the resource that already holds the person",
  },

  // ---- one person, one resource ----
  DUPLICATE_INVITATION: {
    summary:
      "two `OrgInvitation` / `OrgMembership` resources of the program declare the same person (organization and username, letter case " +
      "ignored); nothing was sent for either",
    advice: "keep one of the resources named in the message",
  },
  // (new)
  MANAGED_ELSEWHERE: {
    summary: "adopted a pending invitation that another API key or service account sent: another stack or tool may manage the person",
    advice:
      "declare the person in one stack only; give each stack its own API key, and keep one `OrgRoster` whose `managed` lists the other " +
      "stacks' people ([several-stacks.md](several-stacks.md))",
  },
  // (new)
  MIXED_SCRIPT_USERNAME: {
    summary:
      "a username mixes letters of different scripts (e.g. a Cyrillic `а` among Latin letters), so it likely looks like an address it is not; " +
      "nothing was sent",
    advice: "type the address again in one script (the message names the letters outside its main script)",
  },

  // ---- invitations ----
  INVITATION_NOT_PENDING: {
    summary: "a role update of an `OrgInvitation` found the invitation expired or withdrawn; nothing was changed",
    advice: "`pulumi refresh` to record that, then `pulumi up` to send a new invitation",
  },
  INVITATION_STATE_UNCLEAR: {
    summary:
      "Cloud Manager answered 404 for the invitation but still lists it among the organization's pending invitations; nothing was changed",
    advice: "run the command again",
  },

  // ---- memberships and owners ----
  MEMBERSHIP_GONE: {
    summary:
      "an update of an `OrgMembership` found the person neither a member nor invited (left, removed by hand, invitation withdrawn or expired)",
    advice: "`pulumi refresh` (records REMOVED, REVOKED or EXPIRED), then `pulumi up` invites them again; or `pulumi up --refresh`",
  },
  ENGINE_GONE: {
    summary:
      "the `pulumi` process that ran this deployment ended (killed, or its machine stopped) while the provider was still working; nothing more was sent",
    advice:
      "run `pulumi cancel` if the stack is locked, then `pulumi refresh` (state catches up with what was done) and `pulumi up`; the `pruned:` lines already shown say what was removed",
  },
  CLOUDMANAGER_PROVIDER_IGNORED: {
    summary:
      "a dynamic resource of the package (`OrgInvitation`, `OrgMembership`, `OrgRoster`, `Team`, `ProjectTeam`, `ProjectMembership`, `ProjectRoster`) was given a `cloudmanager` provider resource, which Pulumi would ignore without a word",
    advice:
      "for an organization's own key set `cloudmanager:organizations[\"<orgId>\"]` in stack config ([configuration.md](configuration.md#several-organizations)), or use the plugin's `cloudmanager:index:<Type>` with that provider",
  },
  MEMBER_STATE_UNCLEAR: {
    summary: "Cloud Manager answered 404 for removing a member but still lists them among the organization's members; nothing was changed",
    advice: "run the command again",
  },
  TEAM_NOT_IN_ORG: {
    summary:
      "a `teamIds` entry of an `OrgMembership` is not a team of its organization (the message lists the organization's teams); nothing was sent",
    advice: "fix `teamIds`",
  },
  TEAM_NEEDS_FOUNDER: {
    summary: "a `Team` whose team does not exist names no `founders`, and Cloud Manager cannot create an empty team; nothing was sent",
    advice: "list in `founders` at least one person whose OrgMembership lists the team in `teamIds`",
  },
  TEAM_FOUNDER_NOT_ON_TEAM: {
    summary:
      "a founder of a `Team` has an `OrgMembership` that does not list the team in `teamIds` (the Team would put them on it and the OrgMembership take them off); nothing was sent",
    advice: "add the team's `teamId` to that OrgMembership's `teamIds`, or take the person out of the Team's `founders`",
  },
  TEAM_NAME_TAKEN: {
    summary: "a `Team` is renamed to the name of another team of the organization (names are unique ignoring case); nothing was sent",
    advice: "choose another name, or rename or delete the other team",
  },
  TEAM_GONE: {
    summary: "a `Team` is updated but its team no longer exists in Cloud Manager (deleted outside Pulumi since the last refresh)",
    advice: "`pulumi refresh`, then `pulumi up` creates it again",
  },
  TEAM_IN_UNDECLARED_PROJECTS: {
    summary:
      "a `Team` is deleted while the team still has roles in projects that no ProjectTeam of the program takes it out of (the message names them); nothing was deleted",
    advice:
      "declare a ProjectTeam for each and remove it in the same `up`, take the team off those projects by hand, or keep the team (`retainOnDelete`)",
  },
  PROJECT_TEAM_DECLARED_TWICE: {
    summary: "one team's roles in one project are declared by more than one `ProjectTeam`; nothing was sent",
    advice: "keep one ProjectTeam per team and project",
  },
  TEAM_DECLARED_TWICE: {
    summary:
      "one team of an organization is managed by more than one `Team` (the same name in any case, or an import of the same team); nothing was sent",
    advice: "keep one Team per team",
  },
  PROJECT_TEAM_ORG_MISMATCH: {
    summary: "a `ProjectTeam`'s project or team is not of its `orgId` (the message names both and their organizations); nothing was sent",
    advice: "fix `projectId`, `teamId` or `orgId`: a team gets roles only in projects of its own organization",
  },
  PROJECT_NOT_IN_ORG: {
    summary:
      "a `ProjectMembership`'s or `ProjectRoster`'s project is not of its `orgId` (the message names the project's organization when it can be read); nothing was sent",
    advice: "fix `projectId` or `orgId`: the person's roles are declared in the organization of their OrgMembership",
  },
  PROJECT_MEMBERSHIP_DECLARED_TWICE: {
    summary:
      "one person is declared by more than one `ProjectMembership` for the same project (addresses compared ignoring case); nothing was sent",
    advice: "keep one ProjectMembership per person and project",
  },
  LAST_PROJECT_OWNER: {
    summary:
      "a `ProjectMembership` change or delete would leave the project without a Project Owner given directly (Cloud Manager: CANNOT_DEMOTE_LAST_OWNER / CANNOT_DELETE_LAST_OWNER); nothing was sent",
    advice: "give another person GROUP_OWNER in the project first (a ProjectMembership), or keep this one (`retainOnDelete`)",
  },
  LAST_ORG_OWNER: {
    summary:
      "an `OrgMembership` would demote (roles without ORG_OWNER) or remove (delete) the organization's last Organization Owner; nothing was sent",
    advice:
      "give another member ORG_OWNER first, or keep ORG_OWNER in `roles`. Cloud Manager's own refusals, 403 " +
      "`CANNOT_DEMOTE_LAST_ORG_OWNER` / `CANNOT_DELETE_LAST_OWNER`, say the same",
  },
  // (new)
  OWNER_PLAN_UNSAFE: {
    summary:
      "the writes planned in this deployment would, together, leave the organization without an Organization Owner; nothing was sent",
    advice:
      "keep ORG_OWNER in the roles of one of the resources named in the message, or give another member ORG_OWNER first; then run `pulumi up` again",
  },

  // ---- rosters ----
  // (new)
  ROSTER_SEES_NOBODY: {
    summary: "an `ignore` pattern of an `OrgRoster` matches every username (e.g. `*`), so the roster would see nobody",
    advice: "narrow the pattern (e.g. `*@contractors.example.com`), or delete the `OrgRoster` if the organization is not to be watched",
  },
} as const satisfies Record<string, ProviderErrorCodeInfo>;

export type ProviderErrorCode = keyof typeof PROVIDER_ERROR_CODES;

/**
 * The codes marked (new) above: listed before any message uses them. test/provider/error-codes.test.ts
 * fails on a listed code that no message uses unless it is here, and on a code here that is in use:
 * remove a code from this set with the change that throws it.
 */
export const PENDING_USE: ReadonlySet<ProviderErrorCode> = new Set<ProviderErrorCode>([]);

/** A provider error message: `<code>: <text>`. */
export function codedMessage(code: ProviderErrorCode, text: string): string {
  return `${code}: ${text}`;
}
