/**
 * JSON.parse, refusing an object that names a member twice. RFC 8259 §4: names SHOULD be unique,
 * and parsers differ on a repeated one (the last wins here, the first in others), so a body
 * that reads differently to a proxy or a logger than to us is refused rather than guessed at.
 * Throws SyntaxError for malformed JSON and for a repeated name alike.
 */
export function parseStrictJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // Only text with an object in it can repeat a name.
  if (text.includes('{')) refuseRepeatedNames(text);
  return value;
}

/** Scans valid JSON text: one set of names per open object, none for arrays. */
function refuseRepeatedNames(text: string): void {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      const end = stringEnd(text, i);
      const names = open[open.length - 1];
      if (names && isName(text, end)) {
        // Compared decoded: "a" and "\u0061" are the same name.
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) throw new SyntaxError('an object names a member twice');
        names.add(name);
      }
      i = end;
    }
  }
}

/** The index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

/** A string is a member name when a colon follows it (whitespace aside). */
function isName(text: string, end: number): boolean {
  let i = end + 1;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  return text[i] === ':';
}
