// The dynamic-provider host prints every error that check, diff, read and delete throw as
// `console.error(`${e}: ${e.stack}`)` before the engine reports the same error again: for an
// expected failure (an organization that is gone, on 30 resources) that is a stack trace and the
// message twice per resource. Errors this provider means to throw are registered here, and that one
// host echo of each is dropped, so the user sees each error once, as the engine reports it.
// Programming errors (TypeError …) are not registered: their stack is worth printing.

const MAX_PENDING = 256;
const pendingEchoes = new Set<string>();
let installed = false;

/** Marks `e` (if it is an error this provider means to report) so that the host's echo of it is dropped. */
export function expectedError(e: unknown): unknown {
  if (!(e instanceof Error) || isProgrammingError(e)) return e;
  install();
  pendingEchoes.add(`${String(e)}: ${e.stack}`);
  // Echoes are consumed at once; the bound only matters if a host stops printing them.
  if (pendingEchoes.size > MAX_PENDING) pendingEchoes.delete(pendingEchoes.values().next().value ?? "");
  return e;
}

function isProgrammingError(e: Error): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}

function install(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const [first] = args;
    if (args.length === 1 && typeof first === "string" && pendingEchoes.delete(first)) return;
    original(...args);
  };
}
