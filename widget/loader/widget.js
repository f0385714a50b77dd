//! Parley's loader: the one script a shop embeds,
//!   <script async src="https://EDGE/widget.js" data-shop="SHOP"></script>
//! It adds a chat launcher to the page and, on first use, the chat itself: an iframe of
//! EDGE/w/SHOP. Everything lives in an open shadow root so the page's CSS cannot reach in and
//! ours cannot leak out. The page and the chat talk only by postMessage, with the origins
//! checked on both sides: we send the page's URL and title (on load, and again when the chat
//! says it is ready); the chat may ask us to close.
(function () {
  'use strict';

  var PANEL_CSS =
    ':host{all:initial}' +
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;' +
    'border:0;border-radius:50%;background:#2f5bd3;color:#fff;cursor:pointer;display:flex;' +
    'align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}' +
    '.launcher:focus-visible{outline:3px solid #f2b705;outline-offset:3px}' +
    '.launcher svg{width:28px;height:28px;fill:currentColor}' +
    '.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:380px;height:560px;' +
    'max-height:calc(100vh - 108px);border-radius:12px;overflow:hidden;background:#fff;' +
    'box-shadow:0 8px 30px rgba(0,0,0,.3)}' +
    '.panel[hidden]{display:none}' +
    '.panel iframe{display:block;width:100%;height:100%;border:0}' +
    '@media (max-width:480px){.panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}}';

  function findOwnScript() {
    return document.currentScript || document.querySelector('script[src*="/widget.js"][data-shop]');
  }

  /** The edge's origin and the shop, or null (with a warning) if the tag does not say. */
  function readEmbedTag(script) {
    var shop = script && script.getAttribute('data-shop');
    if (!shop || !/^[a-z0-9_-]{1,40}$/.test(shop)) {
      console.warn('Parley: add data-shop="your-shop" to the widget.js script tag.');
      return null;
    }
    try {
      return { edgeOrigin: new URL(script.src, location.href).origin, shop: shop };
    } catch (error) {
      console.warn('Parley: cannot tell where widget.js was loaded from.', error);
      return null;
    }
  }

  /** Styles for the shadow root; a constructed sheet passes a strict page CSP, a <style> may not. */
  function addStyles(root) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(PANEL_CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) {
        // Constructable sheets unsupported: fall through to a <style> element.
      }
    }
    var style = document.createElement('style');
    style.textContent = PANEL_CSS;
    root.appendChild(style);
  }

  /** A speech-bubble icon, built node by node (no innerHTML: pages may enforce Trusted Types). */
  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  function mount(embed) {
    if (document.getElementById('parley-root')) {
      return; // Embedded twice: one launcher is enough.
    }
    var host = document.createElement('div');
    host.id = 'parley-root';
    var root = host.attachShadow({ mode: 'open' });
    addStyles(root);

    var launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('data-testid', 'parley-launcher');
    launcher.setAttribute('aria-label', 'Open chat');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.appendChild(chatIcon());
    root.appendChild(launcher);
    document.body.appendChild(host);

    var panel = null;
    var frame = null;

    function setOpen(open) {
      panel.hidden = !open;
      launcher.setAttribute('aria-expanded', String(open));
      if (open) {
        frame.focus();
      } else {
        launcher.focus();
      }
    }

    /** Tells the chat which page the shopper is on; addressed to the edge's origin only. */
    function sendContext() {
      frame.contentWindow.postMessage(
        { parley: 1, type: 'context', url: location.href, title: document.title },
        embed.edgeOrigin
      );
    }

    function createPanel() {
      panel = document.createElement('div');
      panel.className = 'panel';
      frame = document.createElement('iframe');
      frame.setAttribute('data-testid', 'parley-frame');
      frame.title = 'Chat';
      frame.src = embed.edgeOrigin + '/w/' + encodeURIComponent(embed.shop);
      frame.addEventListener('load', sendContext);
      panel.appendChild(frame);
      root.appendChild(panel);
    }

    launcher.addEventListener('click', function () {
      if (!panel) {
        createPanel();
        setOpen(true);
      } else {
        setOpen(panel.hidden);
      }
    });

    window.addEventListener('message', function (event) {
      var data = event.data;
      if (!frame || event.origin !== embed.edgeOrigin || event.source !== frame.contentWindow) {
        return;
      }
      if (!data || data.parley !== 1) {
        return;
      }
      if (data.type === 'ready') {
        // The chat may start listening only after its load event (its wasm loads late).
        sendContext();
      } else if (data.type === 'close') {
        setOpen(false);
      }
    });
  }

  var embed = readEmbedTag(findOwnScript());
  if (!embed) {
    return;
  }
  if (document.body) {
    mount(embed);
  } else {
    document.addEventListener('DOMContentLoaded', function () {
      mount(embed);
    });
  }
})();
