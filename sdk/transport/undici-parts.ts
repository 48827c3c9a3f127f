import type * as Undici from "undici";

// The parts of undici this client uses, each loaded from its own file: undici's index loads all of
// undici (fetch, WebSocket, the caches and their SQLite store, the mocks, every interceptor), about
// 130 ms of CPU where these parts take about 55 ms, and every provider process that sends pays it
// (issue 22). Like the index, this puts undici's request methods on Dispatcher.prototype (`request`,
// and `connect`, which the proxy agents call on their own clients). The files are undici's internals,
// so package.json pins undici exactly and a test loads these paths from the installed copy; should one
// be missing, the index is loaded instead.

export interface UndiciParts {
  Agent: typeof Undici.Agent;
  /** Loaded only when a proxy is configured: most runs never need it. */
  EnvHttpProxyAgent: () => typeof Undici.EnvHttpProxyAgent;
  /** "files" when the parts came from their own files, "index" when undici's index had to be loaded. */
  loadedFrom: "files" | "index";
}

export const UNDICI_PART_FILES = {
  Dispatcher: "undici/lib/dispatcher/dispatcher.js",
  api: "undici/lib/api/index.js",
  Agent: "undici/lib/dispatcher/agent.js",
  EnvHttpProxyAgent: "undici/lib/dispatcher/env-http-proxy-agent.js",
} as const;

type Load = (id: string) => unknown;

/** The parts, from their own files when `load` finds them all, else from undici's index. */
export function loadUndiciParts(load: Load): UndiciParts {
  const fromIndex = (): typeof Undici => load("undici") as typeof Undici;
  let Agent: typeof Undici.Agent;
  try {
    const Dispatcher = load(UNDICI_PART_FILES.Dispatcher) as typeof Undici.Dispatcher;
    const api = load(UNDICI_PART_FILES.api) as Record<string, unknown>;
    Agent = load(UNDICI_PART_FILES.Agent) as typeof Undici.Agent;
    if (typeof Dispatcher !== "function" || typeof api["request"] !== "function" || typeof Agent !== "function") {
      throw new Error("not undici's parts");
    }
    // What undici's index does once it has loaded them (index.js: Object.assign(Dispatcher.prototype, api)).
    Object.assign(Dispatcher.prototype, api);
  } catch {
    const index = fromIndex();
    return { Agent: index.Agent, EnvHttpProxyAgent: () => index.EnvHttpProxyAgent, loadedFrom: "index" };
  }
  return {
    Agent,
    EnvHttpProxyAgent: () => {
      try {
        return load(UNDICI_PART_FILES.EnvHttpProxyAgent) as typeof Undici.EnvHttpProxyAgent;
      } catch {
        return fromIndex().EnvHttpProxyAgent;
      }
    },
    loadedFrom: "files",
  };
}

let parts: UndiciParts | undefined;

/** The parts, loaded at the first call (a process whose operations send nothing never loads undici). */
export function undiciParts(): UndiciParts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use on purpose (above)
  parts ??= loadUndiciParts((id) => require(id));
  return parts;
}
