"""evaluate() in a real Jupyter kernel (jupyter_client's KernelManager, ipykernel):
the progress a notebook cell shows, and Ctrl-C (the kernel's interrupt) during a run.

Needs Debian's python3-jupyter-client and python3-ipykernel, seen by /usr/bin/python3
(scripts/deps.sh installs them; run directly, this file runs itself again there when this
interpreter has no jupyter_client); skipped, saying so, without them. The kernel imports
the in-tree package (PYTHONPATH) with the library just built (MEDSAFETY_LIBRARY). The
messages a cell sends (stream, display_data, update_display_data, execute_reply) are read
from the kernel's iopub channel, as a notebook front end gets them.
"""

import os
import subprocess
import time
import unittest

from support import BUILD_ROOT, PKG_ROOT, TempDir, main_with

try:
    import ipykernel  # noqa: F401  (the kernel the manager starts)
    from jupyter_client.manager import start_new_kernel
except ImportError:
    start_new_kernel = None

try:
    import ipywidgets  # noqa: F401
    WIDGETS = True
except ImportError:
    WIDGETS = False

SERVER = os.path.join(BUILD_ROOT, "tests", "server", "msb_test_server")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

SETUP = """
import medsafety as ms
def dataset(n):
    ds = ms.Dataset()
    for p in range(1, 10):
        for k in range(n):
            ds.add(f"request {k} about principle {p}", id=f"t/{p}/{k}", principle=p,
                   source="unit", split="test", reference=f"safe answer {p}/{k}")
    return ds
"""


@unittest.skipIf(start_new_kernel is None,
                 "jupyter_client or ipykernel is not installed for this interpreter "
                 "(Debian python3-jupyter-client, python3-ipykernel; scripts/deps.sh)")
class NotebookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, PYTHONPATH=PKG_ROOT, PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("COLUMNS", None)
        cls.km, cls.kc = start_new_kernel(kernel_name="python3", env=env, startup_timeout=120)
        reply, _ = cls.execute(cls, SETUP)
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def execute(self, code, timeout=120, interrupt_when=None):
        """Run a cell; (execute_reply content, the cell's iopub messages). With
        interrupt_when (a function), the kernel is interrupted once it returns true."""
        msg_id = self.kc.execute(code)
        msgs, deadline, interrupted = [], time.time() + timeout, False
        while True:
            if time.time() > deadline:
                raise AssertionError("the cell did not finish in %d s: %r" % (timeout, msgs[-5:]))
            if interrupt_when and not interrupted and interrupt_when():
                self.km.interrupt_kernel()
                interrupted = True
            try:
                m = self.kc.get_iopub_msg(timeout=0.2)
            except Exception:  # queue.Empty: nothing yet
                continue
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            msgs.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        reply = self.kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=30)
        return reply["content"], msgs

    @staticmethod
    def streams(msgs, name=None):
        return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream"
                       and (name is None or m["content"]["name"] == name))

    def test_progress_in_a_cell(self):
        with TempDir() as tmp:
            out = os.path.join(tmp, "run")
            # progress left at None: a kernel counts as a place to show progress
            reply, msgs = self.execute(
                "res = ms.evaluate(dataset(20), ms.Backend.replay(), ms.Judge.refusal(), %r,"
                " progress_interval=0.01)\nprint('records', len(res))" % out)
            self.assertEqual(reply["status"], "ok", reply)
            text = self.streams(msgs)
            self.assertIn("records 180", self.streams(msgs, "stdout"))
            # no carriage-return text piling up in the output, no tqdm warning about widgets
            self.assertNotIn("\r", text)
            self.assertNotIn("IProgress", text)
            shown = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
            if WIDGETS:  # tqdm's notebook widget
                self.assertTrue(any(WIDGET_MIME in m["content"]["data"] for m in shown), msgs)
            else:  # one plain line, shown once and updated in place
                self.assertEqual([m["msg_type"] for m in shown][:1], ["display_data"], msgs)
                ids = {m["content"]["transient"]["display_id"] for m in shown}
                self.assertEqual(len(ids), 1, shown)
                self.assertRegex(shown[-1]["content"]["data"]["text/plain"],
                                 r"^medsafety: 180/180 items \(100%\), 0 errors")

    @unittest.skipUnless(os.access(SERVER, os.X_OK), "no msb_test_server in the build")
    def test_interrupt_cancels_and_leaves_a_resumable_folder(self):
        # a slow model (200 ms an answer, one at a time): 54 items take about 11 s
        server = subprocess.Popen([SERVER, "--latency-ms", "200", "--exit-on-stdin-eof"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            url = "http://127.0.0.1:%d/v1" % int(server.stdout.readline())
            with TempDir() as tmp:
                out = os.path.join(tmp, "run")
                journal = os.path.join(out, "results.jsonl")
                cell = ("res = ms.evaluate(dataset(6), ms.Backend.openai('m', base_url=%r,"
                        " api_key_env='MSB_NO_SUCH_KEY'), ms.Judge.refusal(), %r, concurrency=1,"
                        " progress=True, progress_interval=0.05%%s)\nprint('records', len(res))"
                        % (url, out))

                def started():
                    try:
                        with open(journal) as f:
                            return sum(1 for _ in f) >= 3
                    except OSError:
                        return False

                reply, msgs = self.execute(cell % "", interrupt_when=started)
                self.assertEqual(reply["status"], "error", reply)
                self.assertEqual(reply["ename"], "KeyboardInterrupt", reply)
                self.assertNotIn("\r", self.streams(msgs))
                with open(journal) as f:
                    done = sum(1 for _ in f)
                self.assertTrue(3 <= done < 54, done)
                self.assertTrue(os.path.exists(os.path.join(out, "run.json")))
                # the next cell finishes the run from the folder
                reply, msgs = self.execute(cell % ", resume=True")
                self.assertEqual(reply["status"], "ok", reply)
                self.assertIn("records 54", self.streams(msgs, "stdout"))
        finally:
            server.stdin.close()
            server.wait(timeout=10)
            server.stdout.close()


if __name__ == "__main__":
    main_with("jupyter_client")
