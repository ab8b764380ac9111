import { el, $ } from './dom.js';

/**
 * The live-events pane: a playground session on the server (its id in memory only) that streams,
 * as Server-Sent Events, the lifecycle events of the tokens this page registered with it.
 */
export class EventsPane {
  async open() {
    const res = await fetch('/playground/api/sessions', { method: 'POST', credentials: 'omit' });
    this.session = (await res.json()).session;
    const source = new EventSource(`/playground/api/sessions/${this.session}/events`);
    source.addEventListener(
      'open',
      () =>
        ($('events-status').textContent =
          "Connected: events of this page's tokens and grants only."),
    );
    source.addEventListener(
      'error',
      () => ($('events-status').textContent = 'Disconnected; retrying…'),
    );
    source.addEventListener('lifecycle', (m) => this.show(JSON.parse(m.data)));
  }

  /** Proves this page holds the token: the server verifies it and follows its jti and grant. */
  async register(accessToken) {
    if (!this.session) return;
    await fetch(`/playground/api/sessions/${this.session}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: accessToken }),
      credentials: 'omit',
    });
  }

  /**
   * Oldest first: a new event is added below the others, so none of them moves (no layout
   * shift); the pane follows the newest unless the reader scrolled up.
   */
  show(event) {
    const list = $('event-list');
    const following = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    list.append(
      el(
        'li',
        { class: 'event', 'data-type': event.type },
        el('strong', { text: event.type }),
        ' ',
        el('span', { class: 'hint', text: event.time }),
        el('pre', { text: JSON.stringify(event, null, 2) }),
      ),
    );
    if (following) list.scrollTop = list.scrollHeight;
  }
}
