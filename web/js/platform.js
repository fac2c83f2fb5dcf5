// web/js/platform.js — browser glue of the app, loaded with --pre-js (runs before main()).
//
// - Touch: capture-phase listeners on window, registered before glfwInit, so Emscripten
//   3.1.6's GLFW (which mislocates touches) never sees them; taps and drags go to
//   _comptoir_touch() and app/main_web.cpp feeds ImGui with a just-pressed latch.
// - Text: one real <input id="comptoir-input"> laid over the ImGui field being edited
//   (soft keyboard, IME, autocorrect, paste, any accent). Its key events never reach
//   GLFW; each `input` event writes the value back with _comptoir_overlay_input().
//   A tap/click on a text field focuses it inside the event handler (iOS requirement).
// - Test hook: window.comptoirTest.widgets() -> {key: {x, y, w, h, text}} in CSS px,
//   window.comptoirTest.state() -> {screen, lang, ...}; for tests to FIND widgets only.
// - `online` -> sync now; webglcontextlost/restored; pinch-zoom blocked.
(function () {
  'use strict';
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  if (Module['comptoirBoot'] && Module['comptoirBoot'].abandoned) return;   // admin module instead (web/js/boot.js)
  var canvas = document.getElementById('canvas');
  var input = document.getElementById('comptoir-input');
  Module['canvas'] = canvas;

  // Fonts: shipped once, as fonts/*.ttf (also used by the page's CSS for the overlay
  // input and the loading text, cached by web/sw.js); copied into the wasm file system
  // before main() so app/main_web.cpp loads them from /fonts. The browser build has no
  // built-in ImGui font (cmake/Deps.cmake): a font that failed to load is replaced by the
  // other one (text stays readable, only its weight is wrong); if neither loaded, main()
  // never starts and the page says so (trilingual) with a reload button.
  // The fetches start now, while the wasm downloads and compiles; preRun waits for them.
  var FONTS = ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'];
  var fontData = Promise.all(FONTS.map(function (name) {
    return fetch('fonts/' + name).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (buf) {
      // A TrueType file (not, say, a captive portal's HTML page answered with 200).
      var b = new Uint8Array(buf, 0, Math.min(4, buf.byteLength));
      if (b.length < 4 || b[0] !== 0 || b[1] !== 1 || b[2] !== 0 || b[3] !== 0) throw new Error('not a TrueType file');
      // The same bytes give the page's CSS font ("Comptoir Noto": the loading text and
      // the overlay input), instead of a CSS url() that downloaded the file a second time
      // (a preload "as fetch" does not serve a CSS font load).
      if (typeof FontFace === 'function' && document.fonts) {
        try {
          var face = new FontFace('Comptoir Noto', buf.slice(0), { weight: /Bold/.test(name) ? '700' : '400' });
          face.load().then(function () { document.fonts.add(face); }, function () {});
        } catch (e) { /* the canvas text does not depend on it */ }
      }
      return buf;
    }).catch(function (e) { console.warn('font ' + name + ' not loaded: ' + e.message); return null; });
  }));
  function fontsMissing() {
    var loading = document.getElementById('loading');
    if (!loading) return;
    loading.textContent = '';
    var box = document.createElement('div');
    var msg = document.createElement('strong');
    msg.textContent = 'Comptoir n\u2019a pas pu se charger. \u00b7 Comptoir kon niet laden. \u00b7 Comptoir could not load.';
    var again = document.createElement('button');
    again.type = 'button';
    again.textContent = 'R\u00e9essayer \u00b7 Opnieuw \u00b7 Try again';
    again.style.cssText = 'font-size:20px;padding:12px 24px;margin-top:16px';
    again.onclick = function () { window.location.reload(); };
    box.appendChild(msg);
    box.appendChild(again);
    loading.appendChild(box);
    loading.setAttribute('role', 'alert');
  }
  var pre = Module['preRun'];
  Module['preRun'] = pre ? (Array.isArray(pre) ? pre : [pre]) : [];
  Module['preRun'].push(function () {
    if (performance.mark) performance.mark('comptoir-wasm-ready');   // compiled and instantiated
    addRunDependency('comptoir-fonts');
    try { FS.mkdir('/fonts'); } catch (e) {}
    fontData.then(function (bufs) {
      if (performance.mark) performance.mark('comptoir-fonts-loaded');
      var any = bufs[0] || bufs[1];
      if (!any) { fontsMissing(); return; }
      bufs.forEach(function (buf, i) { FS.writeFile('/fonts/' + FONTS[i], new Uint8Array(buf || any)); });
      removeRunDependency('comptoir-fonts');
    });
  });

  var running = false;          // main() called started()
  var widgets = {};
  var stateText = '{"screen":"loading"}';
  var frames = 0;
  var firstFrameDone = null;    // resolves the service worker's wait (lifecycle, below)
  var overlayKey = '';
  var suppressBlur = false;
  // Tab/Enter move the focus at the next frame; keys typed before it are kept here and
  // given to the next field (a fast typist must not lose or misplace characters).
  var moving = false, buffered = '';
  var touchId = null, touchStartX = 0, touchStartY = 0, touchMoved = false;

  function canvasPoint(clientX, clientY) {
    var r = canvas.getBoundingClientRect();
    return { x: clientX - r.left, y: clientY - r.top };
  }
  function textFieldAt(x, y) {
    for (var key in widgets) {
      var w = widgets[key];
      if (w.text && x >= w.x && x < w.x + w.w && y >= w.y && y < w.y + w.h) return key;
    }
    return null;
  }
  function sendInput() {
    if (running && overlayKey) Module.ccall('comptoir_overlay_input', null, ['string'], [input.value]);
  }
  function hideInput() {
    overlayKey = '';
    if (document.activeElement === input) { suppressBlur = true; input.blur(); suppressBlur = false; }
    input.value = '';               // nothing typed stays in the page
    input.style.display = 'none';
  }
  function placeInput(x, y, w, h, fontPx) {
    var r = canvas.getBoundingClientRect();
    input.style.left = (r.left + x) + 'px';
    input.style.top = (r.top + y) + 'px';
    input.style.width = w + 'px';
    input.style.height = h + 'px';
    if (fontPx) input.style.fontSize = fontPx + 'px';
    input.style.display = 'block';
  }
  // Focus synchronously inside the user's event (soft keyboards open only then).
  // The input lets the pointer through until the button is released: the mouseup must
  // reach the canvas, or ImGui would believe the button is still held.
  function focusField(key, viaMouse) {
    var w = widgets[key];
    if (!w) return;
    if (overlayKey !== key) input.value = '';
    overlayKey = key;
    input.style.pointerEvents = 'none';
    if (viaMouse) window.addEventListener('mouseup', function () { input.style.pointerEvents = ''; }, { capture: true, once: true });
    else setTimeout(function () { input.style.pointerEvents = ''; }, 0);
    placeInput(w.x, w.y, w.w, w.h, 0);
    input.focus({ preventScroll: true });
    Module.ccall('comptoir_overlay_activate', null, ['string'], [key]);
  }
  function configureInput(kind) {
    // kind: 0 text, 1 email, 2 PIN, 3 code, 4 phone, 5 number, 6 password (app/ui.h FieldKind)
    input.type = kind === 2 || kind === 6 ? 'password' : kind === 4 ? 'tel' : 'text';
    input.setAttribute('inputmode', ['text', 'email', 'numeric', 'text', 'tel', 'numeric', 'text'][kind] || 'text');
    input.setAttribute('autocapitalize', kind === 0 ? 'words' : kind === 3 ? 'characters' : 'none');
    input.setAttribute('autocorrect', 'off');
    input.spellcheck = false;
    input.setAttribute('enterkeyhint', 'next');
  }

  var pngWanted = '';            // file name of a PNG to save after the next frame
  var downloads = [];            // admin downloads started (test hook)
  function saveBlob(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  // --- called by app/main_web.cpp after each rendered frame ---
  Module['comptoirPlatform'] = {
    started: function () {
      if (performance.mark) performance.mark('comptoir-main-done');
      running = true;
      var loading = document.getElementById('loading');
      if (loading) loading.style.display = 'none';
    },
    publish: function (widgetsJson, state) {
      try { widgets = JSON.parse(widgetsJson); } catch (e) { widgets = {}; }
      stateText = state;
      if (frames++ === 0) {
        if (performance.mark) performance.mark('comptoir-first-frame');
        if (firstFrameDone) firstFrameDone();
      }
      // Right after the frame was drawn (same task): the WebGL buffer still holds it.
      if (pngWanted) { var name = pngWanted; pngWanted = ''; canvas.toBlob(function (b) { if (b) saveBlob(b, name); }, 'image/png'); }
    },
    // Admin exports (app/admin_web.cpp): GET with the admin's bearer token (never put
    // in the URL or stored), then a Blob saved through a temporary <a download>.
    download: function (path, token, filename) {
      fetch(path, { headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store', credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.blob();
        })
        .then(function (b) { saveBlob(b, filename); downloads.push({ name: filename, ok: true }); })
        .catch(function (e) { downloads.push({ name: filename, ok: false, error: String(e && e.message) }); });
    },
    // A PNG of the canvas as drawn at the next frame.
    savePng: function (filename) { pngWanted = filename; if (running) Module._comptoir_wake(); },
    overlay: function (active, key, value, kind, x, y, w, h, fontPx, activated) {
      if (!active) {
        moving = false; buffered = '';
        if (overlayKey || input.style.display !== 'none') hideInput();
        return;
      }
      placeInput(x, y, w, h, fontPx);
      if (activated || key !== overlayKey) {
        configureInput(kind);
        overlayKey = key;
        input.value = value + (moving ? buffered : '');
        if (document.activeElement !== input) input.focus({ preventScroll: true });
        try { input.setSelectionRange(input.value.length, input.value.length); } catch (e) {}
        var typed = moving && buffered;
        moving = false; buffered = '';
        if (typed) sendInput();
      }
    }
  };

  window.comptoirTest = {
    widgets: function () { return JSON.parse(JSON.stringify(widgets)); },
    state: function () { return JSON.parse(stateText); },
    frames: function () { return frames; },
    downloads: function () { return downloads.slice(); },
    // Main loop wake-ups (drawn or not) and whether the loop is paused (idle).
    loop: function () {
      return running ? { iterations: Module._comptoir_loop_iterations(), paused: Module._comptoir_loop_paused() === 1 }
                     : { iterations: 0, paused: false };
    },
    // Service worker: {controlled, waiting, installing, updates}; checkUpdate() asks now.
    sw: function () {
      var reg = sw.registration;
      return { controlled: !!navigator.serviceWorker && !!navigator.serviceWorker.controller,
        waiting: !!(reg && reg.waiting), installing: !!(reg && reg.installing), updates: sw.updates };
    },
    checkUpdate: function () { return sw.registration ? sw.registration.update().then(function () { return true; }) : Promise.resolve(false); }
  };

  // --- text input ---
  input.addEventListener('input', sendInput);
  input.addEventListener('compositionend', sendInput);
  input.addEventListener('blur', function () {
    if (suppressBlur || !running || !overlayKey) return;
    // Focus left for good (keyboard closed, tapped outside the page).
    setTimeout(function () {
      if (document.activeElement !== input && overlayKey) { Module._comptoir_overlay_blur(); hideInput(); }
    }, 0);
  });
  ['keydown', 'keypress', 'keyup'].forEach(function (type) {
    window.addEventListener(type, function (e) {
      if (e.target !== input) return;
      e.stopImmediatePropagation();   // GLFW must not type it a second time
      if (type !== 'keydown' || !running) return;
      if (moving && e.key !== 'Tab' && e.key !== 'Enter' && e.key !== 'Escape') {
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); buffered += e.key; }
        else if (e.key === 'Backspace') { e.preventDefault(); buffered = buffered.slice(0, -1); }
        return;
      }
      if (e.key === 'Tab' || e.key === 'Enter') {
        e.preventDefault();
        if (!moving) sendInput();
        moving = true; buffered = '';
        Module._comptoir_overlay_next(e.key === 'Enter' ? 2 : e.shiftKey ? 1 : 0);   // Enter after the last field submits
      } else if (e.key === 'Escape') {
        e.preventDefault();
        Module._comptoir_overlay_blur();
        hideInput();
      }
    }, true);
  });

  // --- mouse: clicking a text field focuses the overlay input ---
  window.addEventListener('mousedown', function (e) {
    if (!running || e.target !== canvas) return;
    var p = canvasPoint(e.clientX, e.clientY);
    var key = textFieldAt(p.x, p.y);
    if (key) {
      e.preventDefault();             // keep the focus on our input
      focusField(key, true);
    } else if (overlayKey) {
      sendInput();
      Module._comptoir_overlay_blur();
      hideInput();
    }
  }, true);

  // --- wheel: GLFW 3.1.6 passes raw pixels with the wrong sign; normalise to notches ---
  window.addEventListener('wheel', function (e) {
    if (e.target !== canvas && e.target !== input) return;
    e.preventDefault();
    e.stopPropagation();
    if (!running) return;
    var unit = e.deltaMode === 1 ? 3 : e.deltaMode === 2 ? 1 : 100;   // lines / pages / pixels per notch
    Module._comptoir_wheel(-e.deltaX / unit, -e.deltaY / unit);
  }, { capture: true, passive: false });

  // --- touch ---
  function onTouch(e) {
    if (e.target !== canvas) return;
    e.preventDefault();
    e.stopPropagation();
    if (!running) return;
    var t = null, i;
    if (e.type === 'touchstart') {
      if (touchId !== null) return;   // one finger drives the pointer
      t = e.changedTouches[0];
      touchId = t.identifier;
      touchStartX = t.clientX; touchStartY = t.clientY; touchMoved = false;
    } else {
      for (i = 0; i < e.changedTouches.length; i++)
        if (e.changedTouches[i].identifier === touchId) t = e.changedTouches[i];
      if (!t) return;
    }
    var p = canvasPoint(t.clientX, t.clientY);
    var type = { touchstart: 0, touchmove: 1, touchend: 2, touchcancel: 3 }[e.type];
    if (type === 1 && Math.abs(t.clientX - touchStartX) + Math.abs(t.clientY - touchStartY) > 10) touchMoved = true;
    Module._comptoir_touch(type, p.x, p.y, performance.now());
    if (type >= 2) {
      touchId = null;
      if (type === 2 && !touchMoved) {
        var key = textFieldAt(p.x, p.y);
        if (key) focusField(key, false);
        else if (overlayKey) { sendInput(); Module._comptoir_overlay_blur(); hideInput(); }
      }
    }
  }
  ['touchstart', 'touchmove', 'touchend', 'touchcancel'].forEach(function (type) {
    window.addEventListener(type, onTouch, { capture: true, passive: false });
  });
  document.addEventListener('gesturestart', function (e) { e.preventDefault(); }, { passive: false });

  // --- lifecycle ---
  // Offline start (web/sw.js); here rather than inline: the server's CSP forbids inline scripts.
  // A new version installs in the background and waits (web/sw.js); it is let in only
  // when the app says it is idle (state().idle: the start screen, nobody mid-way), and
  // the page then reloads into it. The first install (no controller yet) never reloads.
  var sw = { registration: null, hadController: false, reloading: false, updates: 0 };
  function swIdle() {
    try { return JSON.parse(stateText).idle === true; } catch (e) { return false; }
  }
  function swMaybeActivate() {
    var reg = sw.registration;
    if (!reg || !reg.waiting || !sw.hadController || !swIdle()) return;
    reg.waiting.postMessage({ type: 'skip-waiting' });
  }
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    sw.hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener('controllerchange', function () {
      if (!sw.hadController) { sw.hadController = true; return; }   // first install: keep going
      if (sw.reloading) return;
      sw.reloading = true;
      window.location.reload();
    });
    // Registered once the page has loaded AND drawn its first frame, a second later: the
    // first install downloads every file again into its cache, and on a 2-core tablet or
    // an old phone that competed with the start-up (wasm compile, WebGL set-up).
    var loaded = new Promise(function (resolve) {
      if (document.readyState === 'complete') resolve(); else window.addEventListener('load', resolve);
    });
    var drawn = new Promise(function (resolve) { firstFrameDone = resolve; });
    Promise.all([loaded, drawn]).then(function () { return new Promise(function (r) { setTimeout(r, 1000); }); }).then(function () {
      navigator.serviceWorker.register('sw.js').then(function (reg) {
        sw.registration = reg;
        reg.addEventListener('updatefound', function () { sw.updates++; });
        // Kiosks stay open for days: look for a new version every 30 minutes.
        setInterval(function () { reg.update().catch(function () {}); }, 30 * 60 * 1000);
      }).catch(function () {});
    });
    setInterval(swMaybeActivate, 1000);
  }
  window.addEventListener('online', function () { if (running) Module._comptoir_online(); });
  window.addEventListener('resize', function () { if (running) Module._comptoir_wake(); });
  // "#admin" typed into an open page: the staff sign-in (app/admin.h OpenAdmin; the kiosk
  // module reloads the page into the admin module: web/js/boot.js).
  window.addEventListener('hashchange', function () {
    if (running && /^#admin\b/.test(window.location.hash || '')) Module._comptoir_open_admin();
  });
  document.addEventListener('visibilitychange', function () { if (running) Module._comptoir_wake(); });
  canvas.addEventListener('webglcontextlost', function (e) {
    e.preventDefault();
    if (running) Module._comptoir_context_lost(1);
  }, false);
  canvas.addEventListener('webglcontextrestored', function () { if (running) Module._comptoir_context_lost(0); }, false);
})();
