"""tests/browser/cdp.py - drive headless Chromium through the DevTools protocol (stdlib only).

    with Browser() as b:                       # starts chromium --headless, one page
        b.open("file:///tmp/view.html#q=dose")  # waits for the load event
        b.wait("document.body.dataset.ready === '1'")
        b.key("j"); b.key("ArrowDown"); b.key("/"); b.type("dose"); b.key("Escape")
        b.eval("document.activeElement.id")

Why not WebDriver or playwright: the Debian chromium package is all CI installs; the
protocol is JSON over one WebSocket, and a client for the little of it a test needs
(handshake, masked text frames out, text frames in) is short. Keys go through
Input.dispatchKeyEvent, so the page sees trusted keydown events with focus handling as
for a user's keyboard.

The browser listens on a port it chooses (--remote-debugging-port=0) and writes it to
DevToolsActivePort in its profile folder: no port is guessed, nothing listens beyond
127.0.0.1, and no network is used (the page under test is a file:// URL).
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class CDPError(Exception):
    pass


class _WebSocket:
    """A minimal RFC 6455 client: text frames, masked when sent, fragments joined."""

    def __init__(self, host, port, path, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("websocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise CDPError("websocket handshake refused: %r" % head[:200])

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise CDPError("websocket closed by the browser")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text):
        data = text.encode("utf-8")
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        self.sock.sendall(head + mask + masked)

    def recv(self):
        """The next text message (pings answered, fragments joined)."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
            if op == 0x9:  # ping: answer with a masked pong
                self.sock.sendall(struct.pack("!BB", 0x8A, 0x80 | len(data)) + b"\0\0\0\0" + data)
                continue
            if op == 0x8:
                raise CDPError("websocket closed by the browser")
            if op in (0x0, 0x1, 0x2):
                parts.append(data)
                if b0 & 0x80:
                    return b"".join(parts).decode("utf-8")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# key name -> (code, windowsVirtualKeyCode, text or None)
_KEYS = {
    "Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, None), "Tab": ("Tab", 9, None),
    "ArrowDown": ("ArrowDown", 40, None), "ArrowUp": ("ArrowUp", 38, None),
    "PageDown": ("PageDown", 34, None), "PageUp": ("PageUp", 33, None),
    "Home": ("Home", 36, None), "End": ("End", 35, None), "/": ("Slash", 191, "/"),
}


class Browser:
    """One headless Chromium with one page; a context manager that always ends it."""

    def __init__(self, width=1200, height=800, timeout=120):
        if not CHROMIUM:
            raise CDPError("chromium is not installed")
        self.timeout = timeout
        self.prof = tempfile.mkdtemp(prefix="msb-cdp-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             "--user-data-dir=" + self.prof, "--window-size=%d,%d" % (width, height),
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ws, self.next_id, self.events = None, 0, []
        try:
            self._connect()
        except BaseException:
            self.close()
            raise

    def _connect(self):
        port_file = os.path.join(self.prof, "DevToolsActivePort")
        deadline = time.time() + self.timeout
        port = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise CDPError("chromium exited with status %d" % self.proc.returncode)
            try:
                with open(port_file) as f:
                    port = int(f.read().split()[0])
                break
            except (OSError, ValueError, IndexError):
                time.sleep(0.1)
        if port is None:
            raise CDPError("chromium wrote no DevToolsActivePort in %d s" % self.timeout)
        pages = []
        while time.time() < deadline and not pages:
            with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=30) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if not pages:
                time.sleep(0.1)
        if not pages:
            raise CDPError("chromium has no page target")
        url = pages[0]["webSocketDebuggerUrl"]
        path = url.split("/", 3)[3]
        self.ws = _WebSocket("127.0.0.1", port, "/" + path, self.timeout)
        self.call("Page.enable")
        self.call("Runtime.enable")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.ws:
            self.ws.close()
            self.ws = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.prof, ignore_errors=True)

    def call(self, method, **params):
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CDPError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev["method"] == method:
                    return self.events.pop(i)
            if time.time() > deadline:
                raise CDPError("no %s event within the timeout" % method)
            self.ws.sock.settimeout(max(0.1, deadline - time.time()))
            try:
                msg = json.loads(self.ws.recv())
            except socket.timeout:
                raise CDPError("no %s event within %d s" % (method, timeout or self.timeout)) from None
            finally:
                self.ws.sock.settimeout(self.timeout)
            if "method" in msg:
                self.events.append(msg)

    def eval(self, expr):
        """The value of a JavaScript expression (JSON-able), or CDPError on an exception."""
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError("%s: %s" % (expr[:80], d.get("exception", {}).get("description") or d.get("text")))
        return r["result"].get("value")

    def open(self, url):
        """Navigate and wait for the load event."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        r = self.call("Page.navigate", url=url)
        if r.get("errorText"):
            raise CDPError("navigate %s: %s" % (url, r["errorText"]))
        self.wait_event("Page.loadEventFired")

    def wait(self, expr, timeout=None):
        """Poll a JavaScript condition until it is truthy; its value."""
        deadline = time.time() + (timeout or self.timeout)
        while True:
            v = self.eval(expr)
            if v:
                return v
            if time.time() > deadline:
                raise CDPError("still false after the timeout: " + expr)
            time.sleep(0.05)

    def key(self, name):
        """Press and release one key: a name of _KEYS or one printable character."""
        if name in _KEYS:
            code, vk, text = _KEYS[name]
        elif len(name) == 1:
            code = ("Key" + name.upper()) if name.isalpha() else ("Digit" + name if name.isdigit() else "")
            vk, text = ord(name.upper()), name
        else:
            raise ValueError("unknown key " + name)
        down = {"type": "keyDown" if text else "rawKeyDown", "key": name, "code": code,
                "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
        if text:
            down.update(text=text, unmodifiedText=text)
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=name, code=code,
                  windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)

    def type(self, text):
        """Type text into the focused field (an input event, as an IME would give)."""
        self.call("Input.insertText", text=text)

    def console_errors(self):
        """Exceptions thrown in the page so far (Runtime.exceptionThrown events)."""
        return [e["params"]["exceptionDetails"] for e in self.events
                if e["method"] == "Runtime.exceptionThrown"]
