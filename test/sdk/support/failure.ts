import { isCloudManagerError, type CloudManagerError } from "../../../sdk";

/** The CloudManagerError a call rejects with; fails the test when it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<CloudManagerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCloudManagerError(error)) throw new Error(`expected a CloudManagerError, got ${String(error)}`);
  return error;
}
