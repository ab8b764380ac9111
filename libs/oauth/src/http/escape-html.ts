const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Text or an attribute value inside the HTML our front-channel pages render (the authorization
 * service's error, form_post and logout pages; the login app's forms): every character that could
 * end either context is escaped, the backtick too for old parsers of unquoted attributes.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}
