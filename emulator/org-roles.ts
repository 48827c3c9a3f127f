// Organization roles Cloud Manager accepts on invitations and members.

export const CLOUD_MANAGER_ORG_ROLES: readonly string[] = [
  "ORG_OWNER",
  "ORG_MEMBER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_READ_ONLY",
  "ORG_BILLING_READ_ONLY",
];

export const OWNER_ROLE = "ORG_OWNER";

// Pragmatic shape check; Cloud Manager's own rule is not published.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}
