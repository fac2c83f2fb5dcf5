// web/sw.js — offline start: the app's files are cached together under ONE versioned
// cache name (a .js from one build with a .wasm from another fails to link). The build
// replaces @CACHE_VERSION@ with a hash of the files (web/stamp-sw.cmake), so a new build
// installs a new cache and deletes the old ones. API calls always go to the network.
// A new version never interrupts someone mid-registration: it installs, then WAITS; the
// page (web/js/platform.js) posts {type: 'skip-waiting'} only when the app is idle on
// its start screen, then reloads itself into the new version.
// The admin module (comptoir-admin.js/.wasm, web/js/boot.js) is NOT installed with the
// kiosk's files: a kiosk or phone never needs it, and the admin mode needs the network
// anyway. It is put in the same versioned cache the first time it is fetched, so an
// installed kiosk whose staff opened the admin mode once can open it again offline
// (the sign-in then says the server cannot be reached).
'use strict';
const CACHE = 'comptoir-@CACHE_VERSION@';
const FILES = ['./', 'index.html', 'comptoir.js', 'comptoir.wasm', 'manifest.webmanifest',
               'icon.svg', 'fonts/NotoSans-Regular.ttf', 'fonts/NotoSans-Bold.ttf'];
const LAZY = /\/comptoir-admin\.(js|wasm)$/;   // cached on first use

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('comptoir-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.includes('/api/')) return;
  // Cache first (all files of one build stay together); the network only for misses.
  event.respondWith(caches.open(CACHE).then((c) =>
    c.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request).then((r) => {
      if (r.ok && LAZY.test(url.pathname)) c.put(event.request, r.clone()).catch(() => {});
      return r;
    }))));
});
