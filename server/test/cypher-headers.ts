/** Reads the "// params: $a, $b" header every Cypher file starts with. */
export function declaredParams(text: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith('// params:'));
  return line === undefined ? [] : [...line.matchAll(/\$(\w+)/g)].map((m) => m[1]!);
}
