// The parts of one running emulator (its store, Digest nonces, OAuth tokens, faults, rate limits,
// request log) and its start-up configuration, put together by startEmulator (index.ts) and shared
// by the API server, the control plane and the typed handle (state-handle.ts).
import type { DigestVerifier } from "./digest-verifier";
import type { FaultTable } from "./faults";
import type { TokenStore } from "./oauth-tokens";
import type { RateLimiter } from "./rate-limits";
import type { RequestLog } from "./request-log";
import type { Store } from "./store";
import type { StoreData } from "./store-data";
import type { RateLimitOptions } from "./types";

export interface EmulatorParts {
  store: Store;
  verifier: DigestVerifier;
  tokens: TokenStore;
  faults: FaultTable;
  limiter: RateLimiter;
  requestLog: RequestLog;
  /** "https" in TLS mode: the scheme of `links` and of the control plane's same-origin check. */
  scheme: "http" | "https";
  controlPlaneEnabled: boolean;
  /** Extra Host names the control plane accepts (see control-plane-guard.ts). */
  controlPlaneHosts: readonly string[];
  logLine: (line: string) => void;
  /** What `reset` goes back to: the seeded org, key and service account only. */
  seedData: StoreData;
  initialRateLimits: RateLimitOptions;
}
