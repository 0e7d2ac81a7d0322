/**
 * HTML built so that every value is escaped unless it is already HTML this
 * module made: `html` is a tagged template whose interpolations are escaped,
 * and only its own results (SafeHtml) pass through as they are. A page can
 * therefore print a sponsor or a revocation reason crafted as markup and the
 * browser shows it as text.
 */

/** Markup made by `html` (or `raw` on a constant): the only thing inserted unescaped. */
export class SafeHtml {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for an element's content and for a quoted attribute value.
 *
 * @example escapeHtml('<img onerror=x>') // '&lt;img onerror=x&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * The template with every interpolation escaped; arrays are joined, null,
 * undefined and false print nothing. Attribute values must be quoted in the template.
 *
 * @example html`<td>${record.sponsor}</td>`
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A query string for a link, each value URL-encoded (and then escaped by `html`). */
export function query(params: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(params).filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '');
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
}

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}
