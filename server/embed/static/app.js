// The widget page's script. The server rendered the first screen (the consent, or a
// loading shell) in the user's language; this file makes its "I agree" work at once and
// starts the Go WebAssembly widget after the first paint, which then takes the page over.
// It lives in a file because the page's CSP allows no inline script. It must not touch
// location.hash: the widget reads the token from it.
(function () {
  'use strict';
  var main = document.getElementById('rampart');
  var root = document.documentElement;
  // Texts the server put on <main>; read now, the widget's screens drop them.
  var text = {
    preparing: main.getAttribute('data-preparing') || '',
    failTitle: main.getAttribute('data-fail-title') || '',
    failOld: main.getAttribute('data-fail-old') || '',
    failBroken: main.getAttribute('data-fail-broken') || ''
  };

  // screen replaces <main>'s content with a heading (focused) and an optional line.
  function screen(name, spinner, title, line) {
    main.setAttribute('data-screen', name);
    main.textContent = '';
    var box = document.createElement('div');
    box.className = 'content center';
    if (spinner) {
      var s = document.createElement('div');
      s.className = 'spinner';
      s.setAttribute('aria-hidden', 'true');
      box.appendChild(s);
    }
    var h1 = document.createElement('h1');
    h1.tabIndex = -1;
    h1.textContent = title;
    if (spinner) h1.className = 'quiet';
    box.appendChild(h1);
    if (line) {
      var p = document.createElement('p');
      p.className = 'lead';
      p.textContent = line;
      box.appendChild(p);
    }
    main.appendChild(box);
    h1.focus();
    var live = document.getElementById('status-live');
    if (live) live.textContent = title;
  }

  // fail replaces the page when the widget cannot run at all.
  function fail(code) {
    screen('error', false, text.failTitle, code === 'unsupported_browser' ? text.failOld : text.failBroken);
    main.setAttribute('data-error-code', code);
  }

  if (typeof WebAssembly !== 'object' || typeof fetch !== 'function' || !window.Promise) {
    fail('unsupported_browser');
    return;
  }
  // The widget removes the token from the address at start. A new token arriving later
  // (an app loading a fresh widget_url into the same webview) changes only the fragment,
  // which browsers do not reload for: start over with the new session.
  window.addEventListener('hashchange', function () {
    if (/(^|[#&])(token|handoff)=/.test(location.hash)) location.reload();
  });

  // "I agree" before the widget runs: remember the tap (the widget reads data-agreed
  // when it takes over) and show that the next step is being prepared.
  main.addEventListener('click', function (ev) {
    if (root.getAttribute('data-widget') === 'live') return;
    var btn = ev.target.closest ? ev.target.closest('button#agree') : null;
    if (!btn) return;
    main.setAttribute('data-agreed', 'true');
    screen('preparing', true, text.preparing);
  });
  var agree = document.getElementById('agree');
  if (agree) agree.setAttribute('data-armed', 'true');
  if (window.performance && performance.mark) performance.mark('rampart-interactive');

  var started = false;
  function start() {
    if (started) return;
    started = true;
    var s = document.createElement('script');
    s.src = '/embed/wasm_exec.js';
    s.onerror = function () { fail('internal_error'); };
    s.onload = run;
    document.head.appendChild(s);
  }
  function run() {
    if (typeof Go !== 'function') { fail('unsupported_browser'); return; }
    var go = new Go();
    function fromBytes(resp) {
      return resp.arrayBuffer().then(function (buf) { return WebAssembly.instantiate(buf, go.importObject); });
    }
    fetch('/embed/widget.wasm', { credentials: 'same-origin' }).then(function (resp) {
      if (!resp.ok) throw new Error('widget.wasm: HTTP ' + resp.status);
      if (!WebAssembly.instantiateStreaming) return fromBytes(resp);
      // Streaming compiles while downloading but needs Content-Type application/wasm;
      // behind a proxy that rewrites it, fall back to compiling the downloaded bytes.
      return WebAssembly.instantiateStreaming(resp.clone(), go.importObject).catch(function () { return fromBytes(resp); });
    }).then(function (result) {
      // The widget never exits; if it does, it crashed.
      return go.run(result.instance).then(function () { fail('internal_error'); });
    }).catch(function (err) {
      if (window.console) console.error(err);
      fail(err instanceof WebAssembly.CompileError ? 'unsupported_browser' : 'internal_error');
    });
  }
  // Download the widget once the first screen is painted, so the page's own bytes and
  // paint come first on a slow link. A hidden frame gets no animation frames: the
  // timer starts it anyway.
  if (window.requestAnimationFrame) requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, 200);
})();
