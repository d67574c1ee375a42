/**
 * Escaping for XML (JUnit), HTML and JSON inside a script tag. One place, so a scenario named
 * `<a & "b">` or a command line with `</script>` in it cannot break any of them. Markdown cells are
 * escaped by the Markdown table renderer (common/table.ts, escapeMdCell).
 */

// Characters XML 1.0 forbids even escaped (C0 controls other than tab, LF, CR; lone surrogates; FFFE/FFFF).
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text and attribute values for XML and HTML: the five predefined entities, invalid characters dropped. */
export function escapeXml(s: string | number): string {
  return String(s)
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export const escapeHtml = (s: string | number) => escapeXml(s).replace(/&apos;/g, '&#39;');

/**
 * JSON to embed in `<script type="application/json">`: `<` is written as \u003c so no `</script>`
 * or `<!--` can appear; U+2028/2029 escaped for old parsers. JSON.parse reads it back unchanged.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
