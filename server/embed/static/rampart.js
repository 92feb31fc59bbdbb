/* Rampart widget loader. Embed with:
 *   <script src="https://RAMPART_HOST/embed/rampart.js" data-widget-id="wdg_…"></script>
 *   Rampart.open({ initToken, host: '#kyc', onEvent: function (e) { … } })
 * The widget runs in an iframe on Rampart's own origin, so this page can never read the
 * user's documents. Tokens travel in the URL fragment, which is never sent to a server. */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var defaultWidgetId = script.getAttribute('data-widget-id') || '';

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

  function open(opts) {
    opts = opts || {};
    var token = tokenFrom(opts);
    var widgetId = widgetIdFrom(opts);
    if (!token || !widgetId) throw new Error('Rampart.open needs initToken and widgetId (or widgetUrl)');
    var frag = 'token=' + encodeURIComponent(token) + '&parent=' + encodeURIComponent(location.origin);
    if (opts.lang) frag += '&lang=' + encodeURIComponent(opts.lang);
    if (opts.accent) frag += '&accent=' + encodeURIComponent(opts.accent);

    var frame = document.createElement('iframe');
    // lang also goes in the query: the server renders the first screen in it.
    frame.src = base + '/embed/app?widget_id=' + encodeURIComponent(widgetId) +
      (opts.lang ? '&lang=' + encodeURIComponent(opts.lang) : '') + '#' + frag;
    frame.allow = 'camera';
    frame.title = opts.title || 'Identity verification';
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.style.border = '0';
    frame.style.width = '100%';
    frame.style.height = '100%';
    frame.style.minHeight = '560px';

    var host = typeof opts.host === 'string' ? document.querySelector(opts.host) : opts.host;
    var overlay = null;
    if (!host) {
      overlay = document.createElement('div');
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:rgba(15,23,42,.55);display:flex;align-items:center;justify-content:center';
      var box = document.createElement('div');
      box.style.cssText = 'width:min(440px,100vw);height:min(720px,100vh);background:#fff;border-radius:16px;overflow:hidden';
      overlay.appendChild(box);
      document.body.appendChild(overlay);
      host = box;
    }
    host.appendChild(frame);

    function onMessage(ev) {
      if (ev.origin !== base || ev.source !== frame.contentWindow) return;
      var data = ev.data;
      if (!data || data.source !== 'rampart') return;
      if (typeof opts.onEvent === 'function') opts.onEvent(data);
      if (data.type === 'close') close();
    }
    function close() {
      window.removeEventListener('message', onMessage);
      if (frame.parentNode) frame.parentNode.removeChild(frame);
      if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    }
    window.addEventListener('message', onMessage);
    return { close: close, frame: frame };
  }

  window.Rampart = { open: open };
})();
