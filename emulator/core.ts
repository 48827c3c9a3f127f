// Everything a running emulator holds, shared by the API server, the control plane and the typed handle.
import type { DigestVerifier } from "./digest-verifier";
import type { FaultTable } from "./faults";
import type { TokenStore } from "./oauth-tokens";
import type { RateLimiter } from "./rate-limits";
import type { RequestLog } from "./request-log";
import type { Store } from "./state";
import type { StoreData } from "./store-data";
import type { RateLimitOptions } from "./types";

export interface EmulatorCore {
  store: Store;
  verifier: DigestVerifier;
  tokens: TokenStore;
  faults: FaultTable;
  limiter: RateLimiter;
  requestLog: RequestLog;
  controlPlaneEnabled: boolean;
  /** Extra Host names the control plane accepts (see control-plane-guard.ts). */
  controlPlaneHosts: readonly string[];
  logLine: (line: string) => void;
  /** What `reset` goes back to: the seeded org, key and service account only. */
  seedData: StoreData;
  initialRateLimits: RateLimitOptions;
}
