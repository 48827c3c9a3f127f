// pulumi-cloudmanager: the Cloud Manager API client and the OrgInvitation Pulumi resource.
export * from "./sdk";
export * from "./provider";
