// What a command reads and writes besides its arguments: given, not taken from `process`, so that
// tests run commands in-process against their own streams, environment and clock.

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The date the header of a written file names (SOURCE_DATE_EPOCH, when set, wins). */
  now: () => Date;
}
