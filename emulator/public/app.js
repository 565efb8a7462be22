// The emulator's phone page: a person chats as a WhatsApp customer with a business number.
// Plain browser JavaScript, no build step. Everything goes through the emulator's control API.
(() => {
  const dict = window.EMULATOR_I18N;
  const $ = (id) => document.getElementById(id);
  const saved = JSON.parse(localStorage.getItem('charla-emulator') || '{}');
  let lang = saved.lang || (navigator.language.startsWith('pt') ? 'pt-BR' : navigator.language.startsWith('en') ? 'en' : 'es');
  let session = null; // { phoneNumberId, customer, name, phone }
  let events = null;
  let typingTimer = null;
  const bubbles = new Map(); // wamid → <li>

  const t = (key) => dict[lang]?.[key] ?? dict.en[key] ?? key;

  function applyLanguage() {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    $('text').placeholder = t('placeholder');
    $('send').setAttribute('aria-label', t('send'));
    if (session) $('biz-sub').textContent = t('online');
  }

  function persist() {
    localStorage.setItem('charla-emulator', JSON.stringify({ lang, phoneNumberId: session?.phoneNumberId, customer: session?.customer, name: session?.name }));
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error?.message || `HTTP ${response.status}`);
    return data;
  }

  async function loadPhones() {
    const { data } = await api('GET', '/_emulator/phone-numbers');
    const select = $('phone');
    select.replaceChildren();
    for (const p of data) {
      const option = document.createElement('option');
      option.value = p.phoneNumberId;
      option.textContent = `${p.verifiedName} · +${p.displayPhoneNumber}`;
      select.append(option);
    }
    $('no-phones').hidden = data.length > 0;
    if (saved.phoneNumberId && data.some((p) => p.phoneNumberId === saved.phoneNumberId)) select.value = saved.phoneNumberId;
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function mediaSrc(preview) {
    return preview.mediaId ? `/_emulator/media/${encodeURIComponent(preview.mediaId)}` : preview.link;
  }

  function renderMedia(box, preview) {
    const src = mediaSrc(preview);
    if (preview.mediaType === 'image' || preview.mediaType === 'sticker') {
      const img = el('img', preview.mediaType === 'sticker' ? 'sticker' : 'image');
      img.alt = preview.caption || t(preview.mediaType === 'sticker' ? 'sticker' : 'document');
      img.src = src;
      box.append(img);
    } else if (preview.mediaType === 'audio') {
      box.append(el('div', 'file', `🎤 ${preview.voice ? t('voiceNote') : t('audio')}`));
      const audio = el('audio');
      audio.controls = true;
      audio.src = src;
      box.append(audio);
    } else {
      const link = el('a', 'file', `${preview.mediaType === 'video' ? '🎬' : '📄'} ${preview.filename || t(preview.mediaType)}`);
      link.href = src;
      link.target = '_blank';
      link.rel = 'noopener';
      box.append(link);
    }
    if (preview.caption) box.append(el('div', 'text', preview.caption));
  }

  function choiceButton(label, onClick) {
    const button = el('button', 'choice', label);
    button.type = 'button';
    button.addEventListener('click', onClick);
    return button;
  }

  function renderPreview(box, preview, item) {
    switch (preview.kind) {
      case 'text':
        box.append(el('div', 'text', preview.text));
        break;
      case 'media':
        renderMedia(box, preview);
        break;
      case 'location': {
        const link = el('a', 'file', `📍 ${preview.name || t('location')}${preview.address ? ` · ${preview.address}` : ''}`);
        link.href = `https://www.openstreetmap.org/?mlat=${preview.latitude}&mlon=${preview.longitude}`;
        link.target = '_blank';
        link.rel = 'noopener';
        box.append(link);
        break;
      }
      case 'contacts':
        box.append(el('div', 'file', `👤 ${t('contact')}: ${preview.names.join(', ')}`));
        break;
      case 'choice':
        box.append(el('div', 'text', preview.title));
        if (preview.description) box.append(el('div', 'footer', preview.description));
        break;
      case 'buttons':
      case 'cta':
      case 'list':
      case 'template': {
        if (preview.header) box.append(el('div', 'header', preview.header));
        if (preview.headerMedia) renderMedia(box, { ...preview.headerMedia });
        box.append(el('div', 'text', preview.body));
        if (preview.footer) box.append(el('div', 'footer', preview.footer));
        const actions = el('div', 'actions');
        if (item.direction === 'out') renderActions(actions, preview);
        box.append(actions);
        break;
      }
      case 'reaction':
        box.append(el('div', 'text', `${preview.emoji || '∅'} ${t('reacted')}`));
        break;
      default:
        box.append(el('div', 'text muted', t('unsupported')));
    }
  }

  function renderActions(actions, preview) {
    if (preview.kind === 'buttons') {
      for (const b of preview.buttons) {
        actions.append(choiceButton(b.title, () => sendInbound({ type: 'interactive', interactive: { type: 'button_reply', id: b.id, title: b.title } })));
      }
    } else if (preview.kind === 'cta' || preview.kind === 'template') {
      const buttons = preview.kind === 'cta' ? [{ type: 'URL', text: preview.displayText, url: preview.url }] : preview.buttons;
      for (const b of buttons) {
        if (b.type === 'QUICK_REPLY') {
          actions.append(choiceButton(b.text, () => sendInbound({ type: 'button', button: { payload: b.payload || b.text, text: b.text } })));
        } else if (b.url) {
          const link = el('a', 'choice', `↗ ${b.text}`);
          link.href = b.url;
          link.target = '_blank';
          link.rel = 'noopener';
          actions.append(link);
        } else {
          actions.append(el('span', 'choice disabled', b.text));
        }
      }
    } else if (preview.kind === 'list') {
      const rows = el('div', 'rows');
      rows.hidden = true;
      actions.append(choiceButton(`☰ ${preview.button}`, () => {
        rows.hidden = !rows.hidden;
      }));
      for (const section of preview.sections) {
        if (section.title) rows.append(el('div', 'section', section.title));
        for (const r of section.rows) {
          const row = choiceButton(r.title, () => {
            rows.hidden = true;
            sendInbound({ type: 'interactive', interactive: { type: 'list_reply', id: r.id, title: r.title, description: r.description } });
          });
          if (r.description) row.append(el('small', null, r.description));
          rows.append(row);
        }
      }
      actions.append(rows);
    }
  }

  function ticks(item) {
    // Customer messages: grey ✓✓ when delivered, blue (CSS, data-status) once the business read them.
    if (item.direction === 'in') return '✓✓';
    return item.status === 'failed' ? '⚠' : '';
  }

  function addItem(item) {
    if (item.preview.kind === 'reaction') {
      const target = bubbles.get(item.preview.messageId);
      if (target) {
        let badge = target.querySelector('.reaction');
        if (!badge) {
          badge = el('span', 'reaction');
          target.append(badge);
        }
        badge.textContent = item.preview.emoji;
        badge.hidden = !item.preview.emoji;
      }
      return;
    }
    if (bubbles.has(item.wamid)) return;
    // Customer messages sit on the right; the business's on the left (this is the customer's phone).
    const li = el('li', `bubble ${item.direction === 'in' ? 'mine' : 'theirs'}`);
    li.dataset.status = item.status;
    const box = el('div', 'content');
    renderPreview(box, item.preview, item);
    li.append(box);
    const meta = el('div', 'meta');
    meta.append(el('time', null, new Date(item.createdAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' })));
    meta.append(el('span', 'ticks', ticks(item)));
    li.append(meta);
    if (item.direction === 'out' && item.status === 'failed') {
      li.classList.add('failed');
      const error = item.errors?.[0];
      li.append(el('div', 'footer', `${t('failed')}${error ? ` (${error.code} · ${error.title})` : ''}`));
    }
    bubbles.set(item.wamid, li);
    $('messages').append(li);
    li.scrollIntoView({ block: 'end' });
  }

  function setStatus(wamid, status) {
    const li = bubbles.get(wamid);
    if (!li) return;
    li.dataset.status = status;
    if (status === 'failed' && !li.classList.contains('failed')) {
      li.classList.add('failed');
      li.append(el('div', 'footer', t('failed')));
    }
    const mark = li.querySelector('.ticks');
    if (mark && li.classList.contains('mine')) mark.textContent = '✓✓';
  }

  function showTyping(untilMs) {
    clearTimeout(typingTimer);
    $('biz-sub').textContent = t('typing');
    typingTimer = setTimeout(() => {
      $('biz-sub').textContent = t('online');
    }, Math.max(0, Math.min(25_000, untilMs - Date.now())));
  }

  function readBusinessMessages() {
    if (session && document.visibilityState === 'visible') {
      api('POST', '/_emulator/read', { phoneNumberId: session.phoneNumberId, customer: session.customer }).catch(() => {});
    }
  }

  async function openChat(phoneNumberId, customer, name, phones) {
    session = { phoneNumberId, customer: customer.replace(/[^\d]/g, ''), name, phone: phones.find((p) => p.phoneNumberId === phoneNumberId) };
    persist();
    $('biz-name').textContent = session.phone ? `${session.phone.verifiedName} · +${session.phone.displayPhoneNumber}` : phoneNumberId;
    $('biz-sub').textContent = t('online');
    $('text').disabled = false;
    $('send').disabled = false;
    $('messages').replaceChildren();
    bubbles.clear();
    const { data } = await api('GET', `/_emulator/conversation?phoneNumberId=${encodeURIComponent(phoneNumberId)}&customer=${session.customer}`);
    for (const item of data) addItem(item);
    events?.close();
    events = new EventSource(`/_emulator/events?phoneNumberId=${encodeURIComponent(phoneNumberId)}&customer=${session.customer}`);
    events.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.type === 'message') {
        addItem(event.item);
        if (event.direction === 'out') {
          clearTimeout(typingTimer);
          $('biz-sub').textContent = t('online');
          readBusinessMessages();
        }
      } else if (event.type === 'status') {
        setStatus(event.wamid, event.status);
      } else if (event.type === 'read') {
        for (const wamid of event.wamids) setStatus(wamid, 'read');
      } else if (event.type === 'typing') {
        showTyping(event.untilMs);
      }
    };
    readBusinessMessages();
    $('text').focus();
  }

  async function sendInbound(message) {
    if (!session) return;
    try {
      await api('POST', '/_emulator/inbound', { phoneNumberId: session.phoneNumberId, from: session.customer, name: session.name, ...message });
    } catch (err) {
      alert(`${t('sendError')}: ${err.message}`);
    }
  }

  function fileToBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function init() {
    applyLanguage();
    const phones = await loadPhones().catch(() => []);
    $('customer').value = saved.customer ? `+${saved.customer}` : '+5511987654321';
    $('name').value = saved.name || 'Ana Souza';
    $('lang').addEventListener('change', () => {
      lang = $('lang').value;
      applyLanguage();
      persist();
    });
    $('setup-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const list = await loadPhones().catch(() => phones);
      if (!$('phone').value) return;
      await openChat($('phone').value, $('customer').value, $('name').value.trim(), list);
    });
    $('composer').addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = $('text').value.trim();
      if (!text) return;
      $('text').value = '';
      await sendInbound({ type: 'text', text });
    });
    $('file').addEventListener('change', async () => {
      const file = $('file').files?.[0];
      $('file').value = '';
      if (!file || !session) return;
      if (file.size > 20 * 1024 * 1024) return alert(t('fileTooBig'));
      const mime = file.type || 'application/octet-stream';
      const type = mime === 'image/webp' ? 'sticker' : mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : mime.startsWith('audio/') ? 'audio' : 'document';
      const data = await fileToBase64(file);
      await sendInbound({ type, media: { mimeType: mime, filename: file.name, data, voice: type === 'audio' ? false : undefined } });
    });
    document.addEventListener('visibilitychange', readBusinessMessages);
    if (saved.phoneNumberId && phones.some((p) => p.phoneNumberId === saved.phoneNumberId)) {
      await openChat(saved.phoneNumberId, $('customer').value, $('name').value, phones);
    }
  }

  init();
})();
