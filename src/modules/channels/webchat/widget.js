/*
 * Charla web chat widget. Plain JavaScript, no build step: embed with
 *   <script src="https://charla.example/webchat/<publicId>/widget.js" async></script>
 * It renders a chat bubble and panel inside a shadow root (the host page's CSS cannot break it),
 * talks to /webchat/<publicId>/… on the same server, and keeps the visitor's signed token in
 * localStorage. Accessible: real buttons and labels, a live region for new messages, Escape closes.
 */
(() => {
  const script = document.currentScript;
  if (!script?.src) return;
  const src = new URL(script.src);
  const match = src.pathname.match(/^(.*)\/webchat\/([\w-]+)\/widget\.js$/);
  if (!match) return;
  const base = `${src.origin}${match[1]}/webchat/${match[2]}`;
  const publicId = match[2];
  if (window.__charlaWidgets?.[publicId]) return;
  window.__charlaWidgets = { ...(window.__charlaWidgets || {}), [publicId]: true };

  // Filled in when the script is served: the phrases (widget-strings.ts) and the stylesheet (widget.css).
  const STRINGS = __CHARLA_STRINGS__;
  const CSS = __CHARLA_CSS__;

  const storageKey = `charla:webchat:${publicId}`;
  const storage = {
    get() {
      try {
        return window.localStorage.getItem(storageKey);
      } catch {
        return memoryToken;
      }
    },
    set(value) {
      memoryToken = value;
      try {
        window.localStorage.setItem(storageKey, value);
      } catch {
        /* private mode: keep it in memory */
      }
    },
  };
  let memoryToken = null;

  const state = { config: null, token: storage.get(), messages: new Map(), open: false, unread: 0, stream: null, t: STRINGS.en };

  function pickLocale(setting) {
    if (setting && setting !== 'auto' && STRINGS[setting]) return setting;
    const langs = navigator.languages || [navigator.language || 'en'];
    for (const l of langs) {
      const lower = String(l).toLowerCase();
      if (lower.startsWith('pt')) return 'pt-BR';
      if (lower.startsWith('es')) return 'es';
      if (lower.startsWith('en')) return 'en';
    }
    return 'en';
  }

  async function request(path, options = {}) {
    const headers = { ...(options.body ? { 'content-type': 'application/json' } : {}) };
    if (state.token) headers['x-charla-visitor'] = state.token;
    const response = await fetch(`${base}${path}`, {
      method: options.method || 'GET',
      headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: 'omit',
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error((data?.detail) || response.statusText);
      error.status = response.status;
      error.problem = data;
      throw error;
    }
    return data;
  }

  function contrastText(hex) {
    const n = Number.parseInt(hex.slice(1), 16);
    const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111111' : '#ffffff';
  }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }


  const CHAT_ICON =
    '<svg width="28" height="28" viewBox="0 0 24 24" fill="none" aria-hidden="true"><path d="M4 5h16v10H8l-4 4V5z" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>';

  async function boot() {
    let config;
    try {
      config = await request('/config');
    } catch {
      return; // unknown or disabled widget, or a site not allowed: show nothing
    }
    state.config = config;
    const t = STRINGS[pickLocale(config.locale)];
    state.t = t;

    const host = el('div', { 'data-charla-webchat': publicId, 'data-position': config.position === 'left' ? 'left' : 'right' });
    host.style.setProperty('--charla-color', config.primaryColor);
    host.style.setProperty('--charla-fg', contrastText(config.primaryColor));
    const root = host.attachShadow({ mode: 'open' });
    root.append(el('style', { text: CSS }));

    const badge = el('span', { class: 'badge', hidden: true, 'aria-hidden': 'true' });
    const bubble = el('button', { class: 'bubble', type: 'button', 'aria-label': t.open, 'aria-expanded': 'false', 'aria-controls': 'charla-panel' });
    bubble.innerHTML = CHAT_ICON;
    bubble.append(badge);

    const title = el('h2', { id: 'charla-title', text: config.title });
    const closeButton = el('button', { type: 'button', 'aria-label': t.close, text: '×' });
    const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': config.title, tabindex: '0' });
    const status = el('div', { class: 'status', role: 'status', hidden: true });
    const input = el('textarea', { rows: '1', placeholder: t.placeholder, 'aria-label': t.messageLabel, maxlength: '4096' });
    const sendButton = el('button', { class: 'send', type: 'submit', text: t.send });
    const composer = el('form', { class: 'composer' }, [input, sendButton]);
    const panel = el('section', { class: 'panel', id: 'charla-panel', role: 'dialog', 'aria-labelledby': 'charla-title', hidden: true }, [
      el('header', {}, [title, closeButton]),
      log,
      status,
      composer,
      el('footer', { text: t.poweredBy }),
    ]);
    root.append(bubble, panel);
    document.body.append(host);

    if (config.greeting) log.append(el('div', { class: 'msg out' }, [document.createTextNode(config.greeting)]));

    const needsForm = () => config.preChatForm.enabled && !state.token;
    const prechat = buildPrechat(t, config, async (values) => {
      await startSession(values);
      prechat.remove();
      composer.hidden = false;
      input.focus();
    });
    if (needsForm()) {
      composer.hidden = true;
      panel.insertBefore(prechat, status);
    }

    function setOpen(open) {
      state.open = open;
      panel.hidden = !open;
      bubble.setAttribute('aria-expanded', String(open));
      bubble.setAttribute('aria-label', open ? t.close : t.open);
      if (open) {
        state.unread = 0;
        renderBadge();
        (needsForm() ? prechat.querySelector('input') : input).focus();
        log.scrollTop = log.scrollHeight;
        markRead();
      } else {
        bubble.focus();
      }
    }
    bubble.addEventListener('click', () => setOpen(!state.open));
    closeButton.addEventListener('click', () => setOpen(false));
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') setOpen(false);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        composer.requestSubmit();
      }
    });
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      void send(text);
    });
    document.addEventListener('visibilitychange', () => {
      if (state.open && document.visibilityState === 'visible') markRead();
    });

    function renderBadge() {
      badge.hidden = state.unread === 0;
      badge.textContent = String(state.unread);
      bubble.setAttribute('aria-label', state.unread ? `${t.open} — ${t.unread.replace('{n}', state.unread)}` : state.open ? t.close : t.open);
    }

    function render(message) {
      let node = log.querySelector(`[data-id="${message.id}"]`);
      const fresh = !node;
      if (!node) {
        node = el('div', { class: `msg ${message.direction}`, 'data-id': message.id });
        log.append(node);
      }
      node.replaceChildren();
      if (message.media) node.append(mediaNode(message.media));
      if (message.text) node.append(document.createTextNode(message.text));
      const who = message.direction === 'in' ? t.you : t.team;
      const when = new Date(message.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      const receipt = message.pending ? t.sending : message.direction === 'in' && message.status === 'read' ? ` · ${t.read}` : '';
      node.append(el('span', { class: 'meta', text: `${who} · ${when}${receipt}` }));
      if (message.failed) {
        const retry = el('button', { type: 'button', text: t.retry, onclick: () => void send(message.text, message.id) });
        node.append(el('div', { class: 'failed', role: 'alert' }, [document.createTextNode(t.failed), retry]));
      }
      if (fresh) log.scrollTop = log.scrollHeight;
      return fresh;
    }

    function mediaNode(media) {
      const holder = el('div');
      const link = el('a', { href: '#', text: media.filename || t.attachment });
      holder.append(link);
      request(`/files/${media.fileId}/url`)
        .then(({ url }) => {
          if (media.mimeType?.startsWith('image/')) holder.replaceChildren(el('img', { src: url, alt: media.filename || t.attachment }));
          else link.setAttribute('href', url);
        })
        .catch(() => {});
      return holder;
    }

    function accept(message, { fromStream } = { fromStream: false }) {
      const known = state.messages.has(message.id);
      state.messages.set(message.id, message);
      const fresh = render(message);
      if (fresh && !known && message.direction === 'out' && fromStream) {
        if (state.open && document.visibilityState === 'visible') markRead();
        else {
          state.unread += 1;
          renderBadge();
        }
      }
    }

    async function startSession(values = {}) {
      const session = await request('/session', { method: 'POST', body: values });
      state.token = session.token;
      storage.set(session.token);
      connect();
    }

    async function send(text, retryId) {
      if (retryId) {
        log.querySelector(`[data-id="${retryId}"]`)?.remove();
        state.messages.delete(retryId);
      }
      const clientMessageId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
      const temp = { id: `tmp-${clientMessageId}`, direction: 'in', text, createdAt: new Date().toISOString(), pending: true };
      render(temp);
      try {
        if (!state.token) await startSession();
        const message = await request('/messages', { method: 'POST', body: { text, clientMessageId } });
        log.querySelector(`[data-id="${temp.id}"]`)?.remove();
        accept(message);
      } catch (err) {
        if (err.status === 401) {
          state.token = null;
          storage.set('');
        }
        render({ ...temp, pending: false, failed: true });
      }
    }

    let readTimer = null;
    function markRead() {
      if (!state.token) return;
      clearTimeout(readTimer);
      readTimer = setTimeout(() => request('/read', { method: 'POST', body: {} }).catch(() => {}), 300);
    }

    function connect() {
      if (!state.token || state.stream) return;
      request('/messages')
        .then((list) => {
          for (const m of list.items) accept(m);
        })
        .catch((err) => {
          if (err.status === 401) {
            state.token = null;
            storage.set('');
          }
        });
      if (!('EventSource' in window)) return;
      const stream = new EventSource(`${base}/stream?token=${encodeURIComponent(state.token)}`);
      state.stream = stream;
      stream.addEventListener('message.created', (e) => accept(JSON.parse(e.data), { fromStream: true }));
      stream.addEventListener('message.status', (e) => accept(JSON.parse(e.data)));
      stream.addEventListener('open', () => {
        status.hidden = true;
      });
      stream.addEventListener('error', () => {
        status.textContent = t.offline;
        status.hidden = false;
      });
    }

    if (state.token) connect();
  }

  function buildPrechat(t, config, onSubmit) {
    const fields = [];
    const form = el('form', { class: 'prechat', novalidate: true }, [el('p', { text: t.intro })]);
    const field = (name, label, type, required) => {
      const id = `charla-${name}`;
      const error = el('span', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' });
      const input = el('input', { id, name, type, autocomplete: name === 'email' ? 'email' : 'name', required, 'aria-describedby': `${id}-error`, maxlength: '120' });
      form.append(el('label', { for: id }, [document.createTextNode(label + (required ? ' *' : '')), input, error]));
      fields.push({ name, input, error, required, type });
    };
    field('name', t.name, 'text', config.preChatForm.nameRequired);
    field('email', t.email, 'email', config.preChatForm.emailRequired);
    form.append(el('button', { type: 'submit', text: t.start }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const values = {};
      let ok = true;
      for (const f of fields) {
        const value = f.input.value.trim();
        let problem = '';
        if (f.required && !value) problem = t.required;
        else if (value && f.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problem = t.invalidEmail;
        f.error.textContent = problem;
        f.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
        if (problem) ok = false;
        if (value) values[f.name] = value;
      }
      if (!ok) return;
      try {
        await onSubmit(values);
      } catch {
        fields[0].error.textContent = t.failed;
      }
    });
    return form;
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void boot());
  else void boot();
})();
