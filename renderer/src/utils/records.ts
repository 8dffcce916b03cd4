/** A copy of `record` without `key` (replacing the object keeps Vue's change tracking simple). */
export function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  return Object.fromEntries(Object.entries(record).filter(([candidate]) => candidate !== key));
}
