import { el, $ } from './dom.js';

const MASK = '••••••';
const steps = [];
let reveal = false;

/** Re-renders every request with or without its secrets (the "Reveal secrets" toggle). */
export function setReveal(on) {
  reveal = on;
  for (const step of steps) step.render();
}

/** The exact request as it will go on the wire, secrets masked unless revealed. */
export function requestText(req, show = reveal) {
  const url = new URL(req.url);
  const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v}`);
  let text = lines.join('\n') + (req.body ? `\n\n${req.body}` : '');
  if (!show)
    for (const secret of req.secrets ?? []) if (secret) text = text.split(secret).join(MASK);
  return text;
}

function responseText(res, body) {
  const keep = ['content-type', 'cache-control', 'www-authenticate', 'dpop-nonce', 'location'];
  const lines = [`HTTP/1.1 ${res.status} ${res.statusText}`];
  for (const k of keep) if (res.headers.get(k)) lines.push(`${k}: ${res.headers.get(k)}`);
  return `${lines.join('\n')}\n\n${body}`;
}

/**
 * Shows one step: what the RFC says, the request before it is sent, and a button that sends it.
 * `send` defaults to fetch; resolves with { res, body, json } once the answer is shown.
 */
export function showStep({ title, rfc, request, action = 'Send', send }) {
  const notes = (Array.isArray(rfc) ? rfc : [rfc]).map((r) =>
    el(
      'p',
      { class: 'hint' },
      r.text,
      ' ',
      el('a', { href: r.link, target: '_blank', rel: 'noopener', text: r.cite }),
    ),
  );
  const requestPre = el('pre', { class: 'request', 'aria-label': `${title}: request` });
  const responsePre = el('pre', {
    class: 'response',
    'aria-label': `${title}: response`,
    text: '(not sent yet)',
  });
  const status = el('p', { class: 'status' });
  const button = el('button', { type: 'button', class: 'send', text: action });
  const item = el(
    'li',
    { class: 'step', 'data-step': title },
    el('h3', { text: `${steps.length + 1}. ${title}` }),
    notes,
    requestPre,
    button,
    status,
    responsePre,
  );
  const step = { render: () => (requestPre.textContent = requestText(request)) };
  step.render();
  steps.push(step);
  // Below the earlier steps, so none of them moves; focusing the button scrolls it into view.
  $('step-list').append(item);
  button.focus();
  return new Promise((resolve, reject) => {
    button.addEventListener('click', async () => {
      button.disabled = true;
      responsePre.textContent = 'Waiting for the answer…';
      try {
        const result = await (send ? send(request) : sendRequest(request));
        if (result.res) {
          responsePre.textContent = responseText(result.res, result.body);
          status.textContent = `${result.res.status} ${result.res.statusText}`;
          status.className = `status ${result.res.ok ? 'status-ok' : 'status-bad'}`;
        } else responsePre.textContent = result.note;
        resolve(result);
      } catch (e) {
        responsePre.textContent = `Failed: ${e.message}`;
        reject(e);
      }
    });
  });
}

export async function sendRequest(req) {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    credentials: 'omit',
    cache: 'no-store',
  });
  const body = await res.text();
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const pretty = json === undefined ? body : JSON.stringify(json, null, 2);
  return { res, body: pretty, json };
}
