// Project roles Cloud Manager accepts (exactly nine; Atlas-only names such as GROUP_CLUSTER_MANAGER do not exist here).

export const CLOUD_MANAGER_PROJECT_ROLES: readonly string[] = [
  "GROUP_AUTOMATION_ADMIN",
  "GROUP_BACKUP_ADMIN",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
  "GROUP_MONITORING_ADMIN",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_USER_ADMIN",
];

/**
 * Org roles that give a credential access to every project of the org (Org Owner: full; Org Read
 * Only: read). API keys and service accounts hold org roles only in the emulator, so these are the
 * only way a credential reaches a project.
 */
export const PROJECT_READ_ORG_ROLES: readonly string[] = ["ORG_OWNER", "ORG_READ_ONLY"];
