// While @pulumi/pulumi registers a resource it creates about a dozen promises and formats a stack
// trace for each (`new Error().stack` in runtime/debuggable.js; under the CLI every frame goes
// through source-map-support), kept only for the report PULUMI_DEBUG_PROMISE_LEAKS prints. Profiled
// under the CLI, that was about half of the program's CPU in a `preview` of 500 invitations (~6 ms
// per resource), on the critical path because the program is what the engine waits for. The
// resource's own source position and stack are unaffected: the SDK raises the limit itself to
// record them (Resource.callsites). Nothing in the SDK turns the debug stacks off, hence the limit.

/** A pause of stack capture around one resource registration; resume exactly once. */
export interface DebugStackPause {
  /** Restores the previous limit. */
  resume(): void;
  /** Restores the previous limit and gives an error created during the pause the stack from here; returns it to throw. */
  resumeWith(error: unknown): unknown;
}

/**
 * Stops the capture of stack frames until `resume`: call right before `super(…)` of a resource class,
 * `resumeWith(error)` in its `catch`. Does nothing while PULUMI_DEBUG_PROMISE_LEAKS is set, as the
 * report then needs the stacks.
 */
export function pauseDebugStacks(): DebugStackPause {
  if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) return { resume: () => undefined, resumeWith: (error) => error };
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const resume = (): void => {
    Error.stackTraceLimit = limit;
  };
  const resumeWith = (error: unknown): unknown => {
    resume();
    // An error thrown while paused has only its message: give it the frames from the caller (the constructor) up.
    if (error instanceof Error && !/\n\s+at /.test(error.stack ?? "")) Error.captureStackTrace(error, resumeWith);
    return error;
  };
  return { resume, resumeWith };
}
