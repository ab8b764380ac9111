/**
 * Reads the forms of a server-rendered page as a browser would submit them: the login app's
 * documented form contract (README: `<form method="post">`, `username`, `password`, the
 * `decision` buttons, hidden inputs for whatever else it needs) and the authorization
 * endpoint's form_post answer (OAuth 2.0 Form Post Response Mode §2). No scripts run.
 */
export interface HtmlForm {
  /** Lower-case; `get` when absent (HTML §4.10.18.6). */
  readonly method: string;
  /** Resolved against the page URL; the page URL itself when absent. */
  readonly action: URL;
  /** Every named input, hidden ones included, in document order, with its value. */
  readonly inputs: ReadonlyArray<{ name: string; type: string; value: string; checked: boolean }>;
  /** Every named submit button, with its value. */
  readonly buttons: ReadonlyArray<{ name: string; value: string }>;
}

export function parseForms(html: string, pageUrl: URL): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const attrs = attributes(match[1] ?? '');
    const body = match[2] ?? '';
    const inputs = [...body.matchAll(/<input\b([^>]*)>/gi)]
      .map((m) => attributes(m[1] ?? ''))
      .filter((a) => a.name !== undefined)
      .map((a) => ({
        name: a.name!,
        type: (a.type ?? 'text').toLowerCase(),
        // HTML §4.10.5.1.15: a checkbox without a value attribute submits "on".
        value: a.value ?? (a.type?.toLowerCase() === 'checkbox' ? 'on' : ''),
        checked: 'checked' in a,
      }))
      .filter((i) => i.type !== 'submit');
    const buttons = [
      ...[...body.matchAll(/<button\b([^>]*)>/gi)].map((m) => attributes(m[1] ?? '')),
      ...[...body.matchAll(/<input\b([^>]*)>/gi)]
        .map((m) => attributes(m[1] ?? ''))
        .filter((a) => a.type?.toLowerCase() === 'submit'),
    ]
      .filter((a) => a.name !== undefined && (a.type ?? 'submit').toLowerCase() === 'submit')
      .map((a) => ({ name: a.name!, value: a.value ?? '' }));
    forms.push({
      method: (attrs.method ?? 'get').toLowerCase(),
      action: new URL(attrs.action ?? pageUrl.href, pageUrl),
      inputs,
      buttons,
    });
  }
  return forms;
}

/**
 * The pairs a submission sends (HTML §4.10.21.4): every input edited by `fill`, checkboxes and
 * radio buttons only when checked (or filled), then the pressed button.
 */
export function formSubmission(
  form: HtmlForm,
  fill: Readonly<Record<string, string>> = {},
  button?: { name: string; value: string },
): URLSearchParams {
  const pairs = new URLSearchParams();
  for (const input of form.inputs) {
    const filled = fill[input.name];
    const toggled = input.type === 'checkbox' || input.type === 'radio';
    if (filled !== undefined) pairs.append(input.name, filled);
    else if (!toggled || input.checked) pairs.append(input.name, input.value);
  }
  if (button) pairs.append(button.name, button.value);
  return pairs;
}

function attributes(source: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of source.matchAll(pattern)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}
