/** JSON.parse with the place of a syntax error as "line L, column C" (V8 gives a position, or nothing at the end). */
export function parseJsonWithPlace(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const place = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    // "Unexpected token } in JSON at position 12" / "Expected ',' or '}' after property value in JSON at position 12 (line 1 column 13)"
    const what = message.replace(/^JSON\.parse: /, '').replace(/,? (in JSON )?at position \d+.*$/, '').replace(/ in JSON$/, '');
    throw new Error(`invalid JSON at ${place}: ${what}`);
  }
}
