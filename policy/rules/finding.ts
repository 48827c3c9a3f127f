// What a stack-level rule finds: a message, and the resource it is about when there is one (the CLI
// then shows the violation under that resource instead of the stack).

export interface Finding {
  message: string;
  urn?: string;
}

/** At most `shown` names, then "and N more" (an organization may declare hundreds of people). */
export function some(names: string[], shown = 5): string {
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}
