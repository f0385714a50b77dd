//! Parley's loader: the one script a shop embeds,
//!   <script async src="https://EDGE/widget.js" data-shop="SHOP"></script>
//! with optional data-locale, data-color (#rrggbb), data-position (left|right) and
//! data-launcher-text, which win over the shop's settings. It fetches the shop's launcher
//! (colour, readable text colour, corner, text) from EDGE/api/shops/SHOP/launcher, draws it in
//! an open shadow root (the page's CSS cannot reach in, ours cannot leak out; the styles are a
//! constructed sheet, which a strict page CSP allows; browsers without them, before 2023, get
//! no launcher styles), and on first open adds the chat: an
//! iframe of EDGE/w/SHOP. Nodes are built one by one, never from HTML: pages may enforce
//! Trusted Types.
//!
//! window.Parley: open(), close(), toggle(), identify({id, name, email, token}), setLocale(code),
//! setContext({key: string or number}), on(event, fn) for open, close, message ({text}) and
//! unread (a count). Calls made earlier through the stub in README.md wait in Parley.q and are
//! replayed in order once the launcher is drawn.
//!
//! The page and the chat talk only by postMessage, origins checked on both sides. We send
//! `state` (URL, title, the page's Open Graph tags and schema.org JSON-LD, from which the chat
//! picks the product, the setContext values, whether the panel is open, identify's name,
//! e-mail and token, the locale) when the chat says `ready` (it listens only once its wasm has
//! loaded) and on every change, history navigation included. The
//! chat may ask us to `close`, and tells us each agent `message` and the `unread` count, which
//! the launcher shows as a badge. The chat is added on first open only, so a conversation's
//! messages reach the badge once the shopper has opened the chat on this page.
//!
//! Written for size (the budget is 2,048 bytes gzipped): one-letter names, as esbuild does not
//! rename properties.
(() => {
  const W = window;
  const D = document;
  const S = D.currentScript || D.querySelector('script[src*="/widget.js"][data-shop]');
  /** The tag's data-NAME attribute. */
  const A = (name) => S && S.getAttribute('data-' + name);
  const shop = A('shop');
  if (!shop || !/^[a-z0-9_-]{1,40}$/.test(shop)) {
    return console.warn('Parley: data-shop?');
  }
  const E = new URL(S.src).origin;
  const H = {}; // event name → handlers
  const C = {}; // setContext values
  let U; // identify's name, e-mail and token
  let L = A('locale');
  let R; // the shadow root
  let l; // the launcher
  let b; // its unread badge
  let B; // the panel, once made
  let F; // the chat's iframe
  let T; // the pending history-change timer
  let N; // the launcher's name without the unread count
  let J; // the shop's launcher, as the edge described it
  /** The shopper's languages, most wanted first: the tag's or setLocale's, the page's, the
   *  browser's. The edge picks the first it speaks, for the chat and the launcher's words. */
  const P = () => 'lang=' + (L || D.documentElement.lang || navigator.languages);

  const el = (tag, className) => {
    const node = D.createElement(tag);
    node.className = className || '';
    return node;
  };
  const attr = (node, name, value) => node.setAttribute(name, value);
  /** Runs the page's handlers of `event`, each in its own task: one that throws stops nothing. */
  const fire = (event, detail) => (H[event] || []).forEach((handler) => setTimeout(handler, 0, detail));
  /** What the page says about what it shows (Open Graph tags, schema.org JSON-LD), raw: the chat
   *  picks the product out, so that logic costs the shop's page nothing. */
  const described = () => ({
    og: [...D.querySelectorAll('meta[property]')].map((meta) => [meta.getAttribute('property'), meta.content]),
    ld: [...D.querySelectorAll('script[type="application/ld+json"]')].map((script) => script.textContent),
  });
  /** Tells the chat the page's state, addressed to the edge's origin only. */
  const post = () =>
    F &&
    F.contentWindow.postMessage(
      { parley: 1, type: 'state', url: location.href, title: D.title, page: described(), custom: C, open: !B.hidden, user: U, locale: L },
      E
    );
  /** A single-page shop changes the page after changing the history: read it a moment later. */
  const navigated = () => {
    clearTimeout(T);
    T = setTimeout(post, 99);
  };
  const makePanel = () => {
    B = el('div', 'p');
    B.hidden = true;
    F = el('iframe');
    attr(F, 'data-testid', 'parley-frame');
    F.title = J.frame_title || 'Chat';
    F.src = E + '/w/' + shop + '?' + P();
    B.append(F);
    R.append(B);
  };
  /** Opens (truthy) or closes the panel; the keyboard follows. */
  const setOpen = (open) => {
    if (!B) {
      if (!open) return;
      makePanel();
    }
    if (B.hidden == open) {
      B.hidden = !open;
      attr(l, 'aria-expanded', !!open);
      (open ? F : l).focus();
      post();
      fire(open ? 'open' : 'close');
    }
  };
  /** Shows `count` on the badge and, while there are unread messages, in the page's title:
   *  "(2) Trail Runner 2", the way a shopper on another tab notices an answer. */
  const showUnread = (count) => {
    b.textContent = count;
    b.hidden = !count;
    D.title = (count ? '(' + count + ') ' : '') + D.title.replace(/^\(\d+\) /, '');
    attr(l, 'aria-label', N + (count ? ', ' + (J.unread_label || '{} unread').replace('{}', count) : ''));
    fire('unread', count);
  };
  const api = {
    open: () => setOpen(1),
    close: () => setOpen(0),
    toggle: () => setOpen(!B || B.hidden),
    identify: (user) => {
      U = { name: user.name, email: user.email, token: user.token };
      post();
    },
    setLocale: (code) => {
      L = code;
      post();
    },
    setContext: (values) => {
      // Strings and numbers only (typeof has a g or starts with n): anything else could not be posted.
      for (const key in values) /g|^n/.test(typeof values[key]) && (C[key] = values[key]);
      post();
    },
    on: (event, handler) => (H[event] = H[event] || []).push(handler),
  };

  /** Draws the launcher as the shop's settings `j` say (the tag's attributes win). */
  const draw = (j) => {
    if (D.getElementById('parley-root')) return; // Embedded twice: one launcher is enough.
    J = j;
    const host = el('div');
    host.id = 'parley-root';
    R = host.attachShadow({ mode: 'open' });
    const side = (A('position') || j.position) == 'left' ? 'left' : 'right';
    const css =
      ':host{all:initial}[hidden]{display:none!important}' +
      `.l,.p{position:fixed;${side}:20px;z-index:2147483000}` +
      `.l{bottom:20px;height:56px;padding:0 14px;border:0;border-radius:28px;background:${j.color || '#2f5bd3'};color:${j.text_color || '#fff'};font:600 15px system-ui;cursor:pointer;display:flex;align-items:center;gap:8px;box-shadow:0 4px 14px #0005}` +
      'svg{width:28px;height:28px;fill:currentColor}' +
      '.b{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;background:#c5221f;color:#fff;font:700 12px/18px system-ui}' +
      '.p{bottom:88px;width:380px;height:560px;max-height:calc(100vh - 108px);border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 8px 30px #0005}' +
      'iframe{display:block;width:100%;height:100%;border:0}' +
      '@media(max-width:480px){.p{inset:0;width:auto;height:auto;max-height:none;border-radius:0}}';
    // A constructed sheet: a strict page CSP may refuse a <style> element.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    R.adoptedStyleSheets = [sheet];
    // Outside any form a button submits nothing, and its aria-label (set with the unread count)
    // names it: the icon and the badge need no attributes of their own.
    l = el('button', 'l');
    attr(l, 'data-testid', 'parley-launcher');
    attr(l, 'aria-expanded', false);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = D.createElementNS(ns, 'svg');
    const path = D.createElementNS(ns, 'path');
    attr(svg, 'viewBox', '0 0 24 24');
    attr(path, 'd', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z');
    svg.append(path);
    l.append(svg);
    const text = A('launcher-text') || j.text;
    if (text) l.append(text);
    N = text || j.open_label || 'Open chat';
    b = el('span', 'b');
    attr(b, 'data-testid', 'parley-unread');
    l.append(b);
    showUnread(0);
    l.onclick = api.toggle;
    R.append(l);
    D.body.append(host);

    W.addEventListener('message', (event) => {
      const data = event.data;
      // Our own frame at the edge's origin: only the chat speaks there.
      if (F && event.origin == E && event.source == F.contentWindow) {
        const type = data.type;
        type == 'ready' ? post() : type == 'close' ? setOpen(0) : type == 'unread' ? showUnread(data.count) : type == 'message' && fire('message', { text: data.text });
      }
    });
    ['pushState', 'replaceState'].forEach((name) => {
      const original = history[name];
      history[name] = function () {
        original.apply(this, arguments);
        navigated();
      };
    });
    W.addEventListener('popstate', navigated);
    const queued = (W.Parley || {}).q || [];
    W.Parley = api;
    queued.forEach((call) => api[call[0]](...call[1]));
  };
  const start = () =>
    fetch(E + '/api/shops/' + shop + '/launcher?' + P() + (A('color') ? '&color=' + encodeURIComponent(A('color')) : ''))
      .then((response) => response.json())
      .then(draw, () => draw({}));
  D.body ? start() : D.addEventListener('DOMContentLoaded', start);
})();
