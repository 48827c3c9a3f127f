// Pulumi program: invite everyone listed in people.yaml to the Cloud Manager organization given by
// the stack config `orgId`, and export each person's invitation status.
//
//   pulumi config set orgId 5f1b2c3d4e5f6a7b8c9d0e1f
//   pulumi config set cloudmanager:publicKey …; pulumi config set --secret cloudmanager:privateKey …
//   pulumi up
//
// Another list can be chosen with `pulumi config set peopleFile path/to/people.yaml` (relative to
// the Pulumi project directory).

import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { defaultPeopleFile } from "../people/people";
import { declareOrgInvitations, parsePeople } from "./declare-org-invitations";

const config = new pulumi.Config();
const orgId = config.require("orgId");
// people.yaml sits next to this file's source; the compiled program runs from dist/, where tsc does not copy it.
const peopleFile = config.get("peopleFile") ?? defaultPeopleFile(__dirname, "org-invitations");
const people = parsePeople(readFileSync(peopleFile, "utf8"), peopleFile);

export const statuses = declareOrgInvitations(people, orgId).statuses;
