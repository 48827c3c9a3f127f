// pulumi-cloudmanager: the Cloud Manager API client and the Pulumi resources.
export * from "./sdk";
export * from "./provider";
// The resource classes win over the client's types of the same name (sdk/types: `Team`, `ProjectTeam`),
// which stay importable as `TeamRecord` and `ProjectTeamRecord`, or from "pulumi-cloudmanager/sdk".
export { Team, ProjectTeam } from "./provider";
export type { Team as TeamRecord, ProjectTeam as ProjectTeamRecord } from "./sdk";
