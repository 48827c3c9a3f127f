// Reading the engine's event stream (Automation API `onEvent`): what a refresh found changed — the
// drift — and what the engine did or plans to do with each resource. Shared by the demo and the
// end-to-end tests.

import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";

export const ORG_INVITATION_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation";
export const ORG_MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgMembership";
export const ORG_ROSTER_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgRoster";
export const TEAM_TYPE = "pulumi-nodejs:dynamic/cloudmanager:Team";
export const PROJECT_TEAM_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectTeam";
export const PROJECT_MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectMembership";
export const PROJECT_ROSTER_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectRoster";

/** A resource whose outputs a refresh changed. */
export interface Drift {
  /** The resource name (last URN segment). */
  name: string;
  /** Output name → [before, after], only those that changed. */
  changes: Record<string, [unknown, unknown]>;
}

export interface Step {
  op: OpType;
  name: string;
  type: string;
  /**
   * Inputs whose value differs between the old state and the program (`__provider` left out). The
   * engine's own `diffs` stay empty for dynamic providers, whose diff reports no per-property detail.
   */
  changedInputs: string[];
  /** The engine's `diffs`, when it reports them. */
  diffs: string[];
}

export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Refresh results of resources of `type` that changed their outputs. The engine reports a refresh
 * result as "same" when the provider's diff sees nothing to do (e.g. an accepted invitation), so a
 * refresh is recognized by its pre-event: a resource's first outputs event after a "refresh"
 * pre-event is that refresh's result.
 */
export function driftOf(events: readonly EngineEvent[], type: string = ORG_INVITATION_TYPE): Drift[] {
  const refreshing = new Set<string>();
  const drift: Drift[] = [];
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre && pre.type === type && pre.op === "refresh") refreshing.add(pre.urn);
    const m = e.resOutputsEvent?.metadata;
    if (!m || !refreshing.delete(m.urn)) continue;
    const before: Record<string, unknown> = m.old?.outputs ?? {};
    const after: Record<string, unknown> = m.new?.outputs ?? {};
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of changedKeys(before, after)) changes[key] = [before[key], after[key]];
    if (Object.keys(changes).length > 0) drift.push({ name: resourceName(m.urn), changes });
  }
  return drift;
}

/** One step per resource of `type` and pre-event, in order (a replacement shows several). */
export function stepsOf(events: readonly EngineEvent[], type: string = ORG_INVITATION_TYPE): Step[] {
  return events.flatMap((e) => {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type !== type) return [];
    return [
      { op: m.op, name: resourceName(m.urn), type: m.type, changedInputs: changedKeys(m.old?.inputs, m.new?.inputs), diffs: m.diffs ?? [] },
    ];
  });
}

function changedKeys(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string[] {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
