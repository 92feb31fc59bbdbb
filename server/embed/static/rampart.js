/* Rampart widget loader. Embed with:
 *   <script src="https://RAMPART_HOST/embed/rampart.js" data-widget-id="wdg_…"></script>
 *   Rampart.open({ initToken, host: '#kyc', onEvent: function (e) { … } })
 * The widget runs in an iframe on Rampart's own origin, so this page can never read the
 * user's documents. Tokens travel in the URL fragment, which is never sent to a server.
 * In a host element the frame takes the height the widget reports; without one it opens
 * in a modal dialog (close button, Escape, focus kept inside, page behind not scrolling). */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var defaultWidgetId = script.getAttribute('data-widget-id') || '';
  // Filled in by the server from the widget's texts: {lang: {title, close}}.
  var TEXTS = {/*LOADER_TEXTS*/};
  // Before the widget reports its height; bounds for what it reports.
  var INITIAL_HEIGHT = 560, MIN_HEIGHT = 200, MAX_HEIGHT = 10000;
  // Dialog: full screen below this width, else a card this wide with this margin.
  var PHONE_WIDTH = 520, DIALOG_WIDTH = 440, DIALOG_MARGIN = 24;

  function widgetIdFrom(opts) {
    if (opts.widgetId) return opts.widgetId;
    if (opts.widgetUrl) {
      try { return new URL(opts.widgetUrl).searchParams.get('widget_id') || ''; } catch (e) { /* fall through */ }
    }
    return defaultWidgetId;
  }

  function tokenFrom(opts) {
    if (opts.initToken) return opts.initToken;
    if (opts.widgetUrl) {
      var m = /[#&]token=([^&]+)/.exec(opts.widgetUrl);
      if (m) return decodeURIComponent(m[1]);
    }
    return '';
  }

  function texts(lang) {
    var l = String(lang || navigator.language || 'en').toLowerCase().split(/[-_]/)[0];
    return TEXTS[l] || TEXTS.en || { title: 'Identity verification', close: 'Close' };
  }

  function dark() {
    return !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  }

  function open(opts) {
    opts = opts || {};
    var token = tokenFrom(opts);
    var widgetId = widgetIdFrom(opts);
    if (!token || !widgetId) throw new Error('Rampart.open needs initToken and widgetId (or widgetUrl)');
    var t = texts(opts.lang);
    var host = typeof opts.host === 'string' ? document.querySelector(opts.host) : opts.host;
    var frag = 'token=' + encodeURIComponent(token) + '&parent=' + encodeURIComponent(location.origin);
    if (opts.lang) frag += '&lang=' + encodeURIComponent(opts.lang);
    if (opts.accent) frag += '&accent=' + encodeURIComponent(opts.accent);
    if (!host) frag += '&dialog=1';

    var frame = document.createElement('iframe');
    // lang also goes in the query: the server renders the first screen in it.
    frame.src = base + '/embed/app?widget_id=' + encodeURIComponent(widgetId) +
      (opts.lang ? '&lang=' + encodeURIComponent(opts.lang) : '') + '#' + frag;
    frame.allow = 'camera';
    frame.title = opts.title || t.title;
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.style.cssText = 'display:block;border:0;width:100%;height:' + INITIAL_HEIGHT + 'px';

    var contentHeight = INITIAL_HEIGHT;
    var dialog = null, opener = null, restore = null;
    if (!host) {
      opener = document.activeElement;
      dialog = makeDialog(frame, t, close);
      host = dialog.box;
      restore = { overflow: document.documentElement.style.overflow };
      document.documentElement.style.overflow = 'hidden'; // the page behind stays put
    }
    host.appendChild(frame);
    if (dialog) {
      document.body.appendChild(dialog.overlay);
      dialog.closeBtn.focus();
    }
    fit();

    // fit sizes the frame: in a host element to the widget's content; in the dialog to
    // the content as well, but never taller than the window (the widget then scrolls
    // inside its frame), and full screen on phones.
    function fit() {
      if (!dialog) {
        frame.style.height = contentHeight + 'px';
        return;
      }
      var phone = window.innerWidth < PHONE_WIDTH;
      var box = dialog.box.style;
      if (phone) {
        box.width = '100%';
        box.height = '100%';
        box.borderRadius = '0';
        frame.style.height = '100%';
        return;
      }
      var h = Math.min(contentHeight, window.innerHeight - 2 * DIALOG_MARGIN);
      box.width = Math.min(DIALOG_WIDTH, window.innerWidth - 2 * DIALOG_MARGIN) + 'px';
      box.height = h + 'px';
      box.borderRadius = '16px';
      frame.style.height = h + 'px';
    }

    function onMessage(ev) {
      if (ev.origin !== base || ev.source !== frame.contentWindow) return;
      var data = ev.data;
      if (!data || data.source !== 'rampart') return;
      if (data.type === 'resize') {
        var h = parseInt(data.height, 10);
        if (h >= MIN_HEIGHT && h <= MAX_HEIGHT && h !== contentHeight) {
          contentHeight = h;
          fit();
        }
      }
      if (typeof opts.onEvent === 'function') opts.onEvent(data);
      if (data.type === 'close') close();
    }
    function onKey(ev) {
      if (ev.key === 'Escape') close(); // focus on this page's part of the dialog
    }
    var closed = false;
    function close() {
      if (closed) return;
      closed = true;
      window.removeEventListener('message', onMessage);
      window.removeEventListener('resize', fit);
      if (frame.parentNode) frame.parentNode.removeChild(frame);
      if (dialog) {
        document.removeEventListener('keydown', onKey);
        if (dialog.overlay.parentNode) dialog.overlay.parentNode.removeChild(dialog.overlay);
        document.documentElement.style.overflow = restore.overflow;
        if (opener && opener.focus && document.contains(opener)) opener.focus();
      }
    }
    window.addEventListener('message', onMessage);
    if (dialog) {
      window.addEventListener('resize', fit);
      document.addEventListener('keydown', onKey);
    }
    return { close: close, frame: frame };
  }

  // makeDialog builds the modal: an overlay holding a box (the frame goes in it) with a
  // close button over the widget's header, between two focus guards that send Tab back
  // into the dialog.
  function makeDialog(frame, t, close) {
    var d = dark();
    var overlay = document.createElement('div');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-label', t.title);
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:rgba(15,23,42,.55);' +
      'display:flex;align-items:center;justify-content:center';
    var box = document.createElement('div');
    box.style.cssText = 'position:relative;overflow:hidden;background:' + (d ? '#15181e' : '#fff') +
      ';box-shadow:0 12px 40px rgba(0,0,0,.3)';
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.setAttribute('aria-label', t.close);
    btn.title = t.close;
    btn.textContent = '\u00d7';
    btn.style.cssText = 'position:absolute;top:4px;right:6px;z-index:1;width:40px;height:40px;margin:0;padding:0;' +
      'border:0;border-radius:50%;background:transparent;cursor:pointer;font:400 28px/40px system-ui,sans-serif;' +
      'color:' + (d ? '#eceef2' : '#151821');
    btn.addEventListener('click', close);
    function guard(to) {
      // Focusable (not aria-hidden, which must never hide a focusable element); focus
      // only passes through it.
      var g = document.createElement('span');
      g.tabIndex = 0;
      g.addEventListener('focus', to);
      return g;
    }
    overlay.appendChild(guard(function () { frame.focus(); }));
    box.appendChild(btn);
    overlay.appendChild(box);
    overlay.appendChild(guard(function () { btn.focus(); }));
    overlay.addEventListener('click', function (ev) { if (ev.target === overlay) close(); });
    return { overlay: overlay, box: box, closeBtn: btn };
  }

  window.Rampart = { open: open };
})();
