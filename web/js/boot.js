// web/js/boot.js — which of the two wasm modules this page runs. Emscripten --pre-js of
// both (app/CMakeLists.txt), the first of web/js/*.js (they are sorted by name).
//
//   comptoir.js / comptoir.wasm             the kiosk module: everything a kiosk, tablet
//                                           or phone needs (what a first visit downloads,
//                                           what web/sw.js caches for an offline start)
//   comptoir-admin.js / comptoir-admin.wasm the same app plus the admin mode
//                                           (app/admin*.cpp), loaded only for "#admin"
//
// index.html always loads comptoir.js. When the address says "#admin", this script (in
// the kiosk module) keeps the kiosk's wasm from being fetched (instantiateWasm never
// answers), marks the module abandoned (web/js/persist.js and platform.js then do
// nothing) and loads comptoir-admin.js, which builds its own Module.
// Module.comptoirBoot:
//   .module          'kiosk' | 'admin'
//   .abandoned       true in a kiosk module that handed the page to the admin module
//   .openAdmin()     kiosk module: "#admin" in the address, then reload (the staff
//                    panel's button, "#admin" typed into an open page; app/admin_link_web.cpp)
//   .leaveAdmin()    admin module: the admin screens were left (the kiosk's inactivity
//                    reset, "back to the kiosk"): "#admin" leaves the address, so a reload
//                    (a new version, a power cut) starts the kiosk module again
// If the admin module cannot load (offline and never cached: web/sw.js caches it on
// first use), the page goes back to the kiosk module rather than stay on "Loading…".
(function () {
  'use strict';
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  var ADMIN_JS = 'comptoir-admin.js';
  var script = (document.currentScript && document.currentScript.src) || '';
  var isAdmin = /(^|\/)comptoir-admin\.js(\?|#|$)/.test(script);
  function adminHash() { return /^#admin(?![A-Za-z0-9_])/.test(window.location.hash || ''); }
  function backToKiosk() {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    window.location.reload();
  }
  var boot = Module['comptoirBoot'] = {
    module: isAdmin ? 'admin' : 'kiosk',
    abandoned: false,
    openAdmin: function () {
      history.replaceState(null, '', window.location.pathname + window.location.search + '#admin');
      window.location.reload();
    },
    leaveAdmin: function () {
      if (adminHash()) history.replaceState(null, '', window.location.pathname + window.location.search);
    }
  };
  if (isAdmin) {
    // The admin wasm failed to download or compile before main(): show the kiosk instead.
    Module['onAbort'] = function () { if (!Module['calledRun']) backToKiosk(); };
    return;
  }
  if (!adminHash()) return;
  boot.abandoned = true;
  Module['instantiateWasm'] = function () { return {}; };   // the kiosk wasm is not fetched
  // After the kiosk glue has finished running: a fresh global Module for the admin glue.
  setTimeout(function () {
    window.Module = undefined;
    var s = document.createElement('script');
    s.src = ADMIN_JS;
    s.onerror = backToKiosk;
    document.body.appendChild(s);
  }, 0);
})();
