// Messages for the person running `pulumi`. The provider process has no engine logger
// (`pulumi.log` is not connected there); the engine shows what the process writes to stdout and
// stderr in the CLI output, so warnings go to stderr. Tests swap the sink to read them.

export type NoticeSink = (message: string) => void;

const writeToStderr: NoticeSink = (message) => console.error(message);

let sink: NoticeSink = writeToStderr;

/** Tells the user something they should know; the message must not contain secrets. */
export function warn(message: string): void {
  sink(`warning: cloudmanager: ${message}`);
}

/** Replaces where notices go and returns the previous sink (tests; embedding). */
export function setNoticeSink(next: NoticeSink | undefined): NoticeSink {
  const previous = sink;
  sink = next ?? writeToStderr;
  return previous;
}
