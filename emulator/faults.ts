// Injected faults: a status (with optional Retry-After), a dropped connection (before or after the
// handler ran) or a delay, chosen by method and path pattern, limited by count or a seeded
// probability. Clearing the faults also ends the delays in progress, so a test can hold a request
// with a long delay and release it at the moment it chooses, instead of racing a timer.
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, invalidAttribute, missingAttribute } from "./errors";
import { seededRandom } from "./prng";
import type { FaultAction, FaultInfo, FaultSpec } from "./types";

interface ActiveFault {
  info: FaultInfo;
  pattern: RegExp | undefined;
  random: () => number;
  remaining: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private release = new AbortController();

  add(spec: unknown): FaultInfo {
    const checked = validateFault(spec);
    const info: FaultInfo = { ...checked, id: this.nextId++, hits: 0 };
    this.faults.push({
      info,
      pattern: checked.path === undefined ? undefined : new RegExp(checked.path),
      random: seededRandom(checked.seed ?? randomInt(2 ** 31)),
      remaining: checked.count ?? Number.POSITIVE_INFINITY,
    });
    return structuredClone(info);
  }

  /** Removes every fault and ends the delays in progress (their requests go on now). */
  clear(): void {
    this.faults = [];
    this.release.abort();
    this.release = new AbortController();
  }

  /** Waits out a delay fault: `ms`, or until the faults are cleared. */
  async delay(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.release.signal }).catch(() => undefined);
  }

  list(): FaultInfo[] {
    return this.faults.map((f) => structuredClone(f.info));
  }

  /** The fault this request runs into, if any; consumes one of its count. */
  take(method: string, path: string): FaultAction | undefined {
    for (const fault of this.faults) {
      const { info } = fault;
      if (info.method !== undefined && info.method.toUpperCase() !== method.toUpperCase()) continue;
      if (fault.pattern && !fault.pattern.test(path)) continue;
      if (info.probability !== undefined && fault.random() >= info.probability) continue;
      fault.remaining--;
      info.hits++;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return structuredClone(info.fault);
    }
    return undefined;
  }
}

/** The default errorCode for an injected status. */
export function faultErrorCode(status: number): string {
  if (status === 429) return "RATE_LIMITED";
  if (status === 503) return "SERVICE_UNAVAILABLE";
  if (status >= 500) return "UNEXPECTED_ERROR";
  return "FAULT_INJECTED";
}

function validateFault(spec: unknown): FaultSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    throw new ApiError(400, "INVALID_JSON", "A fault is a JSON object.");
  const s = spec as Record<string, unknown>;
  const known = new Set(["method", "path", "count", "probability", "seed", "fault"]);
  for (const key of Object.keys(s)) if (!known.has(key)) throw invalidAttribute(key);
  const out: FaultSpec = { fault: validateAction(s["fault"]) };
  if (s["method"] !== undefined) {
    if (typeof s["method"] !== "string") throw invalidAttribute("method");
    out.method = s["method"].toUpperCase();
  }
  if (s["path"] !== undefined) {
    if (typeof s["path"] !== "string") throw invalidAttribute("path");
    try {
      new RegExp(s["path"]);
    } catch {
      throw invalidAttribute("path", "Not a regular expression.");
    }
    out.path = s["path"];
  }
  if (s["count"] !== undefined) {
    if (!Number.isInteger(s["count"]) || (s["count"] as number) < 1) throw invalidAttribute("count", "A positive integer.");
    out.count = s["count"] as number;
  }
  if (s["probability"] !== undefined) {
    const p = s["probability"];
    if (typeof p !== "number" || p < 0 || p > 1) throw invalidAttribute("probability", "A number from 0 to 1.");
    out.probability = p;
  }
  if (s["seed"] !== undefined) {
    if (!Number.isInteger(s["seed"])) throw invalidAttribute("seed", "An integer.");
    out.seed = s["seed"] as number;
  }
  return out;
}

function validateAction(value: unknown): FaultAction {
  if (value === undefined) throw missingAttribute("fault");
  if (typeof value !== "object" || value === null) throw invalidAttribute("fault");
  const a = value as Record<string, unknown>;
  const allowedKeys = (keys: string[]): void => {
    for (const key of Object.keys(a)) if (!keys.includes(key)) throw invalidAttribute(`fault.${key}`);
  };
  switch (a["type"]) {
    case "status": {
      allowedKeys(["type", "status", "retryAfter", "errorCode"]);
      const status = a["status"];
      if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)
        throw invalidAttribute("fault.status", "An HTTP status 400-599.");
      const action: FaultAction = { type: "status", status: status as number };
      if (a["retryAfter"] !== undefined) {
        if (!Number.isInteger(a["retryAfter"]) || (a["retryAfter"] as number) < 0)
          throw invalidAttribute("fault.retryAfter", "Whole seconds.");
        action.retryAfter = a["retryAfter"] as number;
      }
      if (a["errorCode"] !== undefined) {
        if (typeof a["errorCode"] !== "string") throw invalidAttribute("fault.errorCode");
        action.errorCode = a["errorCode"];
      }
      return action;
    }
    case "drop": {
      allowedKeys(["type", "after"]);
      const after = a["after"];
      if (after === undefined) return { type: "drop" };
      if (after !== "arrival" && after !== "handler") throw invalidAttribute("fault.after", 'One of "arrival", "handler".');
      return { type: "drop", after };
    }
    case "delay": {
      allowedKeys(["type", "ms"]);
      const ms = a["ms"];
      if (!Number.isInteger(ms) || (ms as number) < 0 || (ms as number) > 600_000) throw invalidAttribute("fault.ms", "0 to 600000.");
      return { type: "delay", ms: ms as number };
    }
    default:
      throw invalidAttribute("fault.type", 'One of "status", "drop", "delay".');
  }
}
