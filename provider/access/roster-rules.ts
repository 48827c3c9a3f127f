// Who a roster counts as undeclared, the one rule of OrgRoster and ProjectRoster: a username that is
// neither managed, declared by a resource of this deployment, nor ignored (matched by USERNAME only;
// a profile's emailAddress is never identity).

import { usernameKey } from "./identity";
import { compileWildcard } from "./wildcard";

/**
 * Whether a username is neither managed, declared by a resource of this deployment (`declared`, as
 * `usernameKey`), nor ignored (`unmanaged`), and whether an ignore pattern matches it (`ignored`: an
 * ignored person's extra invitations are theirs too). Built once per read or diff: an organization may
 * list thousands of people, and patterns are compiled once and matched in linear time (./wildcard).
 */
export function rosterTests(
  inputs: { managed: readonly string[]; ignore: readonly string[] },
  declared: ReadonlySet<string>,
): { unmanaged: (username: string) => boolean; ignored: (username: string) => boolean } {
  const managed = new Set(inputs.managed.map(usernameKey));
  const patterns = inputs.ignore.map(compileWildcard);
  const ignored = (username: string) => patterns.some((matches) => matches(usernameKey(username)));
  return {
    unmanaged: (username) => {
      const name = usernameKey(username);
      return !managed.has(name) && !declared.has(name) && !ignored(name);
    },
    ignored,
  };
}
