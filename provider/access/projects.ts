// Where a project is, the one way every project resource looks it up: this deployment's view of the
// organization's projects, else a read of its own (a project made during the run, after the view was
// read, or one of another organization, to name it in a refusal). Cloud Manager saying there is no
// such project, or that these credentials do not reach it (NOT_IN_GROUP: another organization's), is
// "not found"; any other failure fails, so "could not see" never reads as "not there".

import { isCloudManagerError, isNotFoundAnswer } from "../../sdk";
import type { Project } from "../../sdk/types";
import type { OrgApi } from "../deployment/org-api";
import { orFail, providerError } from "../errors/provider-error";

/** The project, wherever it is; undefined when Cloud Manager says it does not exist or is out of reach. */
export async function findProject(api: OrgApi, projectId: string): Promise<Project | undefined> {
  const listed = (await orFail(api.projects(), `Reading the projects of organization ${api.orgId}`)).find((p) => p.id === projectId);
  if (listed !== undefined) return listed;
  try {
    return await api.project(projectId);
  } catch (e) {
    if (isNotFoundAnswer(e) || (isCloudManagerError(e) && e.errorCode === "NOT_IN_GROUP")) return undefined;
    throw providerError(`Reading project ${projectId}`, e);
  }
}

/** The project when it is of this organization. */
export function ofThisOrg(api: OrgApi, project: Project | undefined): Project | undefined {
  return project !== undefined && project.orgId.toLowerCase() === api.orgId.toLowerCase() ? project : undefined;
}
