/**
 * THE set equality of the package: equal as sets, order and repeats ignored. `ignoreCase` for values
 * Cloud Manager compares without letter case (team ids are hex). Role lists are compared as sets
 * everywhere: Cloud Manager returns them in no documented order.
 */
export function sameSet(a: readonly string[], b: readonly string[], ignoreCase = false): boolean {
  const norm = (list: readonly string[]) => new Set(ignoreCase ? list.map((x) => x.toLowerCase()) : list);
  const left = norm(a);
  const right = norm(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}
