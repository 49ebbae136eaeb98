/**
 * The one comparison for what ARM names case-insensitively: resource ids, scopes, tag names (not tag values,
 * which ARM keeps case-sensitive). ARM is .NET and compares these with StringComparison.OrdinalIgnoreCase:
 * each character is upper-cased by its simple (one-to-one) Unicode mapping and the results compared ordinally;
 * since .NET 5 a non-ASCII character never compares equal to an ASCII one (dotnet/runtime#32247: 'ſ' is not
 * 's', U+212A KELVIN SIGN is not 'k'). JavaScript's toLowerCase does neither: it folds U+212A onto 'k' (so a
 * resource group spelled with it would pass a scope written in ASCII and share the real group's repair id) and
 * lower-cases 'ς' and 'σ' apart although both upper-case to 'Σ'.
 *
 * identityKey is the canonical spelling of that equivalence: ASCII letters lower-cased (so an ASCII id keeps
 * the key, and the repair id, it always had), every other character upper-cased when its simple mapping is one
 * non-ASCII character, else kept. Two strings are the same to ARM exactly when their keys are equal.
 */

function keyOfCharacter(ch: string, code: number): string {
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : ch;
  const upper = ch.toUpperCase();
  // toUpperCase applies full mappings ('ß' -> 'SS'); a result longer than one character has no simple mapping.
  const single = upper.length === ch.length && [...upper].length === 1;
  const upperCode = upper.codePointAt(0) ?? 0;
  return single && upperCode >= 0x80 ? upper : ch;
}

export function identityKey(text: string): string {
  let key = '';
  for (const ch of text) key += keyOfCharacter(ch, ch.codePointAt(0) ?? 0);
  return key;
}

export function sameIdentity(a: string, b: string): boolean {
  return identityKey(a) === identityKey(b);
}

/** True when `key` (an identityKey) lies under `prefixKey` (another identityKey) as a path: equal, or followed by '/'. */
export function isUnderKey(key: string, prefixKey: string): boolean {
  return key.startsWith(`${prefixKey}/`);
}
