// Starts the Go WebAssembly widget. It lives in a file because the page's CSP allows no
// inline script. It must not touch location.hash: the widget reads the token from it.
(function () {
  'use strict';
  var WASM = '/embed/widget.wasm';
  var es = /(^|[#&])lang=es/.test(location.hash) || /^es\b/.test(navigator.language || '');

  // fail replaces the loading state when the widget cannot run at all.
  function fail(code) {
    var main = document.getElementById('rampart');
    var title = es ? 'No se puede iniciar la verificación' : 'The verification can\u2019t start';
    var text = code === 'unsupported_browser'
      ? (es ? 'Actualiza tu navegador o abre esta página en la última versión de Chrome, Safari, Firefox o Edge.'
            : 'Update your browser, or open this page in the latest Chrome, Safari, Firefox or Edge.')
      : (es ? 'Algo ha fallado. Vuelve a la aplicación de la que vienes e inténtalo de nuevo.'
            : 'Something went wrong. Go back to the app you came from and try again.');
    main.setAttribute('data-screen', 'error');
    main.setAttribute('data-error-code', code);
    main.textContent = '';
    var box = document.createElement('div');
    box.className = 'content center';
    var h1 = document.createElement('h1');
    h1.tabIndex = -1;
    h1.textContent = title;
    var p = document.createElement('p');
    p.className = 'lead';
    p.textContent = text;
    box.appendChild(h1);
    box.appendChild(p);
    main.appendChild(box);
    h1.focus();
  }

  if (typeof WebAssembly !== 'object' || typeof Go !== 'function' || typeof fetch !== 'function' || !window.Promise) {
    fail('unsupported_browser');
    return;
  }
  // The widget removes the token from the address at start. A new token arriving later
  // (an app loading a fresh widget_url into the same webview) changes only the fragment,
  // which browsers do not reload for: start over with the new session.
  window.addEventListener('hashchange', function () {
    if (/(^|[#&])(token|handoff)=/.test(location.hash)) location.reload();
  });
  var go = new Go();
  function fromBytes(resp) {
    return resp.arrayBuffer().then(function (buf) { return WebAssembly.instantiate(buf, go.importObject); });
  }
  fetch(WASM, { credentials: 'same-origin' }).then(function (resp) {
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
})();
