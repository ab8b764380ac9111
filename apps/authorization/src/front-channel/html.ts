import { escapeHtml } from '@app/oauth';

export { escapeHtml };

/** A minimal page of ours: the caller escapes what it puts in `body`. */
export function htmlPage(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title></head><body>${body}</body></html>`
  );
}
