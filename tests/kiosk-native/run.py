#!/usr/bin/env python3
"""tests/kiosk-native/run.py — drives the native kiosk (comptoir-kiosk, GLFW) with REAL X
input through enrollment and a full registration, against a real comptoir-server.

    python3 tests/kiosk-native/run.py            # ~40 s; exit 1 on a failure
    env: COMPTOIR_SERVER_BIN, COMPTOIR_KIOSK_BIN (else the first build/*/ that has them),
         KIOSK_KEEP=1 keeps the temp dir (kiosk.db, screenshots as .xwd)

What it does, as a person at the kiosk would:
  1. the server gets a staff account, today's event and a device with an enrollment code;
  2. Xvfb + comptoir-kiosk on a fresh SQLite file (--state-file: the app's test hook,
     state and widget rectangles, never typed text);
  3. Setup: Tab into the first field, types the code, Tab, device name, Tab, PIN, Tab,
     PIN again, Enter (= "Activate" after the last field) -> Start;
  4. a click on "Je m'inscris", then the identity step with the keyboard only: Tab,
     "Zoé", Tab, "Müller-Lefèvre", Tab, a wrong email, Tab (its error shows), Shift+Tab
     back, fix it, Enter through phone/postcode/commune, Enter after the last field
     -> next step; chips and check boxes are clicked where the app drew them; Enter with
     no field focused is "Next" on the other steps and "Save" on the summary;
  5. asserts: the Done screen, the kiosk's SQLite file holds the creator with the
     accented name (sqlite3 CLI), and the server's API (GET /api/v1/creators?email=,
     staff token) has the creator with that exact name.
xdotool sends the input to the Xvfb display (XTEST: the same path as a USB keyboard).
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xwd2png  # noqa: E402 — tests/kiosk-native/xwd2png.py

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FIRST, LAST = 'Zoé', 'Müller-Lefèvre'
EMAIL = 'zoe.muller-lefevre@example.org'
PASSWORD = 'kiosk-Passw0rd-ok'

passed = failed = 0
procs = []


def find_bin(env, rel):
    if os.environ.get(env):
        return os.environ[env]
    preferred = [os.path.join(ROOT, 'build/native', rel), os.path.join(ROOT, 'build/screens-native', rel)]
    found = [p for p in preferred if os.path.exists(p)] + sorted(glob.glob(os.path.join(ROOT, 'build/*', rel)))
    return found[0] if found else None


SERVER = find_bin('COMPTOIR_SERVER_BIN', 'sync/comptoir-server')
KIOSK = find_bin('COMPTOIR_KIOSK_BIN', 'app/comptoir-kiosk')
TMP = tempfile.mkdtemp(prefix='comptoir-kiosk-native-')
DB = os.path.join(TMP, 'server.db')
KIOSK_DB = os.path.join(TMP, 'kiosk.db')
STATE = os.path.join(TMP, 'state.json')
def _free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


PORT = _free_port()
BASE = f'http://127.0.0.1:{PORT}'
env = dict(os.environ)


def test(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f'ok - {name}', flush=True)
        return True
    except Exception as e:  # noqa: BLE001 — a failed step is reported, the run goes on
        failed += 1
        print(f'not ok - {name} # {str(e).splitlines()[0] if str(e) else type(e).__name__}', flush=True)
        if os.environ.get('E2E_STACK'):
            import traceback
            traceback.print_exc()
        return False


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def cli(*args, stdin=''):
    r = subprocess.run([SERVER, *args, '--database', DB], input=stdin, capture_output=True, text=True)
    check(r.returncode == 0, f'comptoir-server {" ".join(args)} failed: {r.stderr.strip()[:200]}')
    return r.stdout


# --- the app's state (test hook) and X input -------------------------------------
def app():
    try:
        with open(STATE, encoding='utf8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return {'state': {'screen': 'none'}, 'widgets': {}}


def wait_for(what, pred, timeout=20):
    t0 = time.time()
    while True:
        a = app()
        if pred(a['state'], a['widgets']):
            return a
        if time.time() - t0 > timeout:
            snapshot(f'failure-{what}')
            raise AssertionError(f'waited for {what}: state {json.dumps(a["state"])[:300]}')
        time.sleep(0.1)


def settle():
    """The app writes its state file after each frame that changed something; quiet for
    0.4 s means the frames after the last input have been drawn."""
    last, since = None, time.time()
    t0 = time.time()
    while time.time() - t0 < 5:
        a = json.dumps(app())
        if a != last:
            last, since = a, time.time()
        elif time.time() - since > 0.4:
            return
        time.sleep(0.05)


def xdo(*args):
    r = subprocess.run(['xdotool', *args], env=env, capture_output=True, text=True)
    check(r.returncode == 0, f'xdotool {" ".join(args)}: {r.stderr.strip()}')
    return r.stdout.strip()


WINDOW = {'id': None}


def key(*names):
    """Presses keys like a person: modifiers held down around the key (shift+Tab)."""
    for n in names:
        *mods, k = n.split('+')
        for m in mods:
            xdo('keydown', m)
        xdo('key', '--delay', '60', k)
        for m in reversed(mods):
            xdo('keyup', m)
        settle()


RETYPED = []


def type_text(text):
    """Types `text` into the field being edited (empty or all selected), then reads the
    field back from the app's test hook ("editing", like the DOM input the browser tests
    read). xdotool now and then loses a character under load (an X event the app never
    gets): the field is then selected and typed again, at most twice, and counted."""
    for attempt in range(3):
        xdo('type', '--delay', '90', text)   # a brisk typist
        settle()
        ed = app().get('editing') or {}
        if ed.get('value') == text:
            return
        RETYPED.append(ed.get('key'))
        key('ctrl+a')
    raise AssertionError(f'field {ed.get("key")} holds {ed.get("value")!r} after typing {text!r} three times')


def click(widget_key):
    """Scrolls (mouse wheel) until the widget is fully inside the window, then clicks its
    middle with the mouse (window coordinates = the app's widget rectangles)."""
    settle()   # rectangles of a settled screen (a line appearing above moves everything)
    for _ in range(30):
        a = app()
        w = a['widgets'].get(widget_key)
        check(w is not None, f'no widget "{widget_key}" on screen {a["state"].get("screen")}')
        if w['y'] >= 0 and w['y'] + w['h'] <= HEIGHT:
            x, y = int(w['x'] + w['w'] / 2), int(w['y'] + min(w['h'] / 2, 24))
            xdo('mousemove', '--window', WINDOW['id'], str(x), str(y))
            xdo('click', '1')
            settle()
            return
        xdo('mousemove', '--window', WINDOW['id'], str(WIDTH // 2), str(HEIGHT // 2))
        xdo('click', '4' if w['y'] < 0 else '5')   # wheel up / down
        settle()
    raise AssertionError(f'could not scroll "{widget_key}" into view')


def keyboard_layout():
    """A Swiss French keyboard (setxkbmap ch fr): é, è, à on keys of their own, ü, ö, ä
    with Shift, @ with AltGr — the accents of our names arrive as a person types them.
    (xdotool's own fallback, remapping a spare keycode while it sends a character, loses
    characters now and then.)"""
    r = subprocess.run(['setxkbmap', 'ch', 'fr'], env=env, capture_output=True, text=True)
    check(r.returncode == 0, f'setxkbmap ch fr: {r.stderr.strip()}')


def snapshot(name):
    """Keeps a screenshot of the display (X window dump) for a person to look at."""
    out = os.path.join(TMP, name + '.xwd')
    subprocess.run(['xwd', '-root', '-silent', '-out', out], env=env, capture_output=True)
    shots = os.path.join(ROOT, 'build/screenshots')
    os.makedirs(shots, exist_ok=True)
    try:
        xwd2png.convert(out, os.path.join(shots, f'native-{name}.png'))
    except (OSError, ValueError) as e:
        print(f'# screenshot {name}: {e}')


def staff_get(path):
    req = urllib.request.Request(f'{BASE}/api/v1/auth/login', method='POST',
                                 data=json.dumps({'username': 'animatrice', 'password': PASSWORD}).encode(),
                                 headers={'Content-Type': 'application/json'})
    token = json.load(urllib.request.urlopen(req, timeout=5))['token']
    req = urllib.request.Request(f'{BASE}{path}', headers={'Authorization': f'Bearer {token}'})
    return json.load(urllib.request.urlopen(req, timeout=5))


# --- the run ------------------------------------------------------------------------
WIDTH, HEIGHT = 1280, 800


def start_everything():
    for tool in ('Xvfb', 'xdotool', 'setxkbmap', 'sqlite3'):
        check(shutil.which(tool), f'{tool} not installed (scripts/bootstrap)')
    check(SERVER and os.path.exists(SERVER), 'comptoir-server not built (COMPTOIR_SERVER_BIN)')
    check(KIOSK and os.path.exists(KIOSK), 'comptoir-kiosk not built (COMPTOIR_KIOSK_BIN)')
    cli('admin', 'add', 'animatrice', '--role', 'staff', stdin=PASSWORD + '\n')
    cli('event', 'add', '--title', 'Table sectorielle cinéma', '--date', date.today().isoformat(),
        '--sector', 'cinema', '--place', 'Mons')
    code = json.loads(cli('device', 'add', 'kiosque-natif', '--json'))['enrollment_code']
    server = subprocess.Popen([SERVER, 'serve', '--host', '127.0.0.1', '--port', str(PORT), '--database', DB],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs.append(server)
    deadline = time.time() + 60   # a loaded CI machine can be slow to start it
    while True:
        try:
            if urllib.request.urlopen(f'{BASE}/api/v1/health', timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.2)
        if server.poll() is not None or time.time() > deadline:
            err = server.stderr.read().decode(errors='replace')[-800:] if server.poll() is not None else ''
            raise AssertionError(f'server did not answer /api/v1/health (exit {server.poll()}) {err}')
    # Xvfb picks a free display number and writes it to the pipe.
    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(wfd), '-screen', '0', f'{WIDTH}x{HEIGHT}x24', '-nolisten', 'tcp'],
                            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(xvfb)
    os.close(wfd)
    display = b''
    while not display.endswith(b'\n'):
        chunk = os.read(rfd, 16)
        check(chunk, 'Xvfb did not start')
        display += chunk
    os.close(rfd)
    env['DISPLAY'] = ':' + display.decode().strip()
    keyboard_layout()
    kiosk = subprocess.Popen([KIOSK, '--server', BASE, '--db', KIOSK_DB, '--size', f'{WIDTH}x{HEIGHT}',
                              '--state-file', STATE], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs.append(kiosk)
    wait_for('setup', lambda s, w: s['screen'] == 'setup' and 'setup.code' in w, 30)
    for _ in range(50):
        wid = subprocess.run(['xdotool', 'search', '--name', '^Comptoir$'], env=env, capture_output=True, text=True)
        if wid.stdout.strip():
            WINDOW['id'] = wid.stdout.split()[0]
            break
        time.sleep(0.1)
    check(WINDOW['id'], 'no X window named Comptoir')
    # Keyboard focus to the kiosk window, like a kiosk session would give it.
    xdo('windowfocus', '--sync', WINDOW['id'])
    return code


def enroll(code):
    snapshot('setup')
    key('Tab')                          # nothing focused: Tab goes to the first field
    type_text(code)
    key('Tab')
    type_text('Kiosque accueil')
    key('Tab')
    type_text('4821')
    key('Tab')
    type_text('4821')
    key('Return')                       # Enter after the last field = "Activate"
    wait_for('start', lambda s, w: s['screen'] == 'start', 30)
    check(os.path.exists(KIOSK_DB), 'the kiosk wrote no SQLite file')
    # The first pull brings today's event (header line) and the catalogue.
    wait_for('event-pulled', lambda s, w: 'event.current' in w, 30)
    snapshot('start')


def identity():
    click('start.new')
    wait_for('register', lambda s, w: s['screen'] == 'register' and 'reg.first_name' in w)
    snapshot('register-identity')
    key('Tab')
    type_text(FIRST)
    key('Tab')
    type_text(LAST)
    key('Tab')
    type_text('zoe.muller-lefevre@')     # wrong on purpose
    key('Tab')                          # leaving the field shows its error
    a = wait_for('email-error', lambda s, w: 'reg.email.error' in w, 5)
    check(any(e['field'] == 'email' for e in a['state'].get('errors', [])), 'no email error in the state')
    snapshot('register-email-error')
    key('shift+Tab')                    # back to the email field
    key('ctrl+a')
    type_text(EMAIL)
    key('Return')                       # Enter: the next field (phone)
    type_text('0470 12 34 56')
    key('Return')                       # postcode
    type_text('7000')
    key('Return')                       # commune
    type_text('Mons')
    wait_for('email-fixed', lambda s, w: 'reg.email.error' not in w, 5)
    key('Return')                       # Enter after the last field = "Next"
    wait_for('sectors', lambda s, w: s.get('step') == 'sectors')


def other_steps():
    click('reg.sector.cinema')
    a = app()
    prof = sorted(k for k in a['widgets'] if k.startswith('reg.profession.'))
    if prof:
        click(prof[0])
    key('Return')                       # no field focused: Enter = "Next"
    wait_for('work', lambda s, w: s.get('step') == 'work')
    key('Return')
    wait_for('needs', lambda s, w: s.get('step') == 'needs')
    needs = sorted(k for k in app()['widgets'] if k.startswith('reg.need.') and k.count('.') == 3)
    check(needs, 'no need items on the needs step (catalogue not pulled?)')
    click(needs[0])
    key('Return')
    wait_for('offers', lambda s, w: s.get('step') == 'offers')
    key('Return')
    wait_for('consents', lambda s, w: s.get('step') == 'consents')
    key('Return')                       # without the consent: stays, error shown
    time.sleep(0.3)
    a = wait_for('consent-error', lambda s, w: 'reg.consent.error' in w, 5)
    check(a['state'].get('step') == 'consents', 'went past the consents without the processing consent')
    click('reg.consent')
    key('Return')
    wait_for('summary', lambda s, w: s.get('step') == 'summary')
    snapshot('register-summary')
    key('Return')                       # Enter on the summary = "Save"
    wait_for('done', lambda s, w: s['screen'] == 'done', 20)
    snapshot('done')


def stored_locally():
    r = subprocess.run(['sqlite3', KIOSK_DB, "SELECT first_name || '|' || last_name || '|' || email FROM creators"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f'sqlite3: {r.stderr.strip()}')
    rows = r.stdout.strip().splitlines()
    check(f'{FIRST}|{LAST}|{EMAIL}' in rows, f'kiosk.db creators: {rows}')


def reached_server():
    t0 = time.time()
    while True:
        body = staff_get(f'/api/v1/creators?email={urllib.request.quote(EMAIL)}')
        if body.get('creators'):
            c = body['creators'][0]
            c = c.get('creator', c)   # {creator: {id, version, data: {...}}, needs, offers}
            c = c.get('data', c)
            check(c['first_name'] == FIRST and c['last_name'] == LAST,
                  f'server has {c["first_name"]!r} {c["last_name"]!r}')
            return
        check(time.time() - t0 < 30, 'the creator did not reach the server in 30 s')
        time.sleep(0.5)


def main():
    t0 = time.time()
    code = None
    holder = {}
    ok = test('server, Xvfb and the native kiosk start on a fresh SQLite file (Setup screen)',
              lambda: holder.setdefault('code', start_everything()))
    code = holder.get('code')
    ok = ok and test('Setup by keyboard (Tab, typing, Enter after the last field) enrolls the kiosk', lambda: enroll(code))
    ok = ok and test('identity step by keyboard: Tab, Shift+Tab, Enter, accents typed, email error shown after leaving',
                     identity)
    ok = ok and test('sectors, work, needs, offers, consents (clicks + Enter = Next), summary, Enter = Save -> Done',
                     other_steps)
    if ok:
        test('the kiosk SQLite file holds "Zoé Müller-Lefèvre" (sqlite3)', stored_locally)
        test('the creator reached the server with the accented name (GET /api/v1/creators?email=)', reached_server)
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    if os.environ.get('KIOSK_KEEP'):
        print(f'# kept {TMP}')
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    if RETYPED:
        print(f'# typed again after lost X key events: {RETYPED}')
    print(f'# {time.time() - t0:.1f}s')
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed or not passed else 0)


if __name__ == '__main__':
    main()
