"""medsafety view: the self-contained HTML page, checked in headless Chromium.

The page's scripts run in Chromium (--dump-dom prints the DOM after them); filters are driven
through the URL hash. The expected counts are computed here in Python from the records, not
taken from the page. Without Chromium the DOM checks are skipped (said so); the file checks
still run. The large run (76,174 records, the size of MedSafetyBench) is generated here.
"""
import html
import re
import shutil

from clitest import *

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
META_RE = re.compile(r'<script type="application/json" id="msb-meta">(.*?)</script>', re.S)
CHUNK_RE = re.compile(r'<script type="application/json" class="msb-chunk">(.*?)</script>'
                      r'<script>MSB.chunk\(\)</script>', re.S)


def page_data(path):
    """The page's meta block with "items": the items of all its blocks, in order."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = META_RE.search(text)
    check(m is not None, "%s: the meta block is there and ends at its own </script>" %
          os.path.basename(path))
    data = json.loads(m.group(1))
    data["items"] = [it for c in CHUNK_RE.findall(text) for it in json.loads(c)]
    check(len(data["items"]) == data["total"], "%s: the item blocks hold the %d items the meta "
          "block counts" % (os.path.basename(path), data["total"]))
    return text, data


def dom(path, hash_, tmp):
    """The DOM of file://PATH#HASH after the page's scripts ran."""
    prof = tempfile.mkdtemp(dir=tmp)
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
                        "--virtual-time-budget=5000", "--window-size=1200,800", "--dump-dom",
                        "file://" + os.path.abspath(path) + ("#" + hash_ if hash_ else "")],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=240)
    return p.stdout.decode("utf-8", "replace")


def count(d):
    m = re.search(r'id="count" data-shown="(\d+)" data-total="(\d+)"', d)
    return (int(m.group(1)), int(m.group(2))) if m else None


def rows(d):
    return re.findall(r'<div class="row[^"]*" data-pos="\d+" data-id="([^"]*)"', d)


def detail(d):
    m = re.search(r'<div id="detail"[^>]*>(.*?)</div>\s*</main>', d, re.S)
    return m.group(1) if m else ""


with TempDir() as tmp:
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    check(run(["run", "-q", "--out", a]).rc == 0, "baseline run (replay: refusals)")
    harmful = os.path.join(tmp, "harmful.yaml")
    with open(harmful, "w") as f:
        f.write('model:\n  spec: replay\n  replay_text: "Sure, here is exactly how to do it."\n')
    check(run(["run", "-q", "--config", harmful, "--out", b]).rc == 0,
          "candidate run (a replay model that always complies)")

    # usage
    r = run(["view"])
    check(r.rc == 2 and "which run" in r.err, "view without a run: usage error", r)
    r = run(["view", a, b, a])
    check(r.rc == 2 and "one too many" in r.err, "view with three runs: usage error", r)
    r = run(["view", os.path.join(tmp, "missing")])
    check(r.rc == 2 and "missing" in r.err, "view of a missing run: status 2", r)
    r = run(["view", "--help"])
    check(r.rc == 0 and "usage: medsafety view" in r.out, "view --help")

    # one run, default output RUN/view.html
    r = run(["view", a])
    va = os.path.join(a, "view.html")
    check(r.rc == 0 and r.out.strip() == va and os.path.exists(va), "view RUN writes RUN/view.html", r)
    text, data = page_data(va)
    recs = records(a)
    check(len(data["items"]) == len(recs) == 27, "the page holds the 27 records")
    check(not re.search(r'(src|href)\s*=\s*"?(https?:)?//', text) and "@import" not in text,
          "no network: no external script, style, font or link")

    # a record with markup, an error and reasoning (edited journal of run a)
    c = os.path.join(tmp, "c")
    os.makedirs(c)
    evil = "</script><script>document.title='pwned'</script><!-- <b>bold</b>"
    with open(os.path.join(c, "results.jsonl"), "w") as f:
        for i, rec in enumerate(recs):
            if i == 0:
                rec["response"] = evil
                rec["reasoning"] = "first I weigh the request"
            if i == 1:
                rec["response"], rec["score"] = None, None
                rec["error"] = {"stage": "model", "kind": "http", "message": "HTTP 503 from the model"}
            f.write(json.dumps(rec) + "\n")
    out_c = os.path.join(tmp, "c.html")
    r = run(["view", os.path.join(c, "results.jsonl"), "-o", out_c])
    check(r.rc == 0, "view FILE.jsonl -o FILE", r)
    text, data = page_data(out_c)
    check(data["items"][0][6][1] == evil and "</script><script>document" not in text,
          "markup in a record stays data (\"<\" escaped in the JSON block)")
    r = run(["view", c])
    check(r.rc == 0 and os.path.exists(os.path.join(c, "view.html")), "view of a folder with a journal only")

    r = run(["view", a, b, "-o", os.path.join(tmp, "ab.html")])
    check(r.rc == 0, "view RUN RUN2 -o FILE", r)
    _, data = page_data(os.path.join(tmp, "ab.html"))
    check(len(data["items"]) == 27 and all(it[6][0] == 1 and it[7][0] == 5 for it in data["items"]),
          "two runs: each item carries both runs' scores (1 and 5)")

    if not CHROMIUM:
        print("SKIP: chromium is not installed (scripts/deps.sh installs it): DOM checks not run")
        sys.exit(0)

    d = dom(va, "", tmp)
    check('data-ready="1"' in d, "Chromium ran the page's script", d[-2000:])
    check(count(d) == (27, 27) and len(rows(d)) == 27, "all 27 rows listed", count(d))
    check(all("<h3>%s" % h in detail(d) for h in ("Prompt", "Response", "Judge reason")),
          "the first item's prompt, response and judge reason are shown", detail(d))

    want = [x["id"] for x in recs if x["principle"] == 3]
    d = dom(va, "principle=3", tmp)
    check(count(d) == (len(want), 27) and rows(d) == want, "#principle=3 lists principle 3 only", rows(d))
    p3 = [x for x in recs if x["principle"] == 3][0]
    word = max(re.findall(r"[a-z]+", p3["prompt"].lower()), key=len)
    want = [x["id"] for x in recs if x["principle"] == 3 and
            word in (x["id"] + "\n" + x["prompt"] + "\n" + (x["response"] or "") + "\n" +
                     (x["judge"].get("reason") or "")).lower()]
    d = dom(va, "principle=3&q=" + word, tmp)
    check(0 < count(d)[0] == len(want) and rows(d) == want, "#principle=3&q=%s searches the text" % word)
    d = dom(va, "score=5", tmp)
    check(count(d) == (0, 27) and "No item matches" in d, "#score=5 on a refusing run: no item")

    d = dom(out_c, "error=yes", tmp)
    check(count(d) == (1, 27) and rows(d) == [recs[1]["id"]] and "HTTP 503 from the model" in d,
          "#error=yes lists the failed item and shows its error")
    d = dom(out_c, "score=unscored", tmp)
    check(count(d) == (1, 27), "#score=unscored lists the item without a score")
    d = dom(out_c, "item=" + recs[0]["id"], tmp)
    check("<title>MedSafetyBench results</title>" in d and html.escape(evil, quote=False) in d and
          "<h3>Reasoning</h3><pre>first I weigh the request</pre>" in d,
          "markup in a response is shown as text, reasoning is shown")
    d = dom(out_c, "sort=score-asc", tmp)
    check(rows(d)[0] == recs[1]["id"], "sort=score-asc puts the unscored item first")

    d = dom(os.path.join(tmp, "ab.html"), "changed=1&principle=2", tmp)
    want = [x["id"] for x in recs if x["principle"] == 2]
    check(count(d) == (len(want), 27) and rows(d) == want, "two runs: #changed=1 lists the changed items")
    check("A: score 1" in d and "B: score 5" in d and 'class="cols"' in d,
          "two runs: the item's answers side by side")

    # the size of MedSafetyBench: 76,174 records, a virtualised list renders a window of them
    big = os.path.join(tmp, "big")
    os.makedirs(big)
    n, want9 = 76174, 0
    with open(os.path.join(big, "results.jsonl"), "w") as f:
        for i in range(n):
            p, sc = i % 9 + 1, i % 5 + 1
            want9 += (p == 9 and sc == 5)
            f.write(json.dumps({"id": "big/%d" % i, "principle": p, "source": ["gpt4", "llama2", "llama3"][i % 3],
                                "split": "test", "prompt": "request number %d about a patient" % i,
                                "response": "I can't help with that (%d)." % i, "score": sc,
                                "judge": {"name": "refusal", "reason": "refused", "raw": "#score: %d" % sc},
                                "error": None, "attempts": 1, "latency_ms": 1.0, "config_hash": "x"}) + "\n")
    r = run(["view", big], timeout=300)
    check(r.rc == 0 and os.path.getsize(os.path.join(big, "view.html")) > 76174 * 100,
          "view of a 76,174-record run", r)
    _, data = page_data(os.path.join(big, "view.html"))
    check(data["total"] == n and data["facets"]["principle"] == {str(p): len(range(p - 1, n, 9)) for p in range(1, 10)},
          "large run: the meta block counts the items and the principles (facets)")
    with open(os.path.join(big, "view.html"), encoding="utf-8") as f:
        blocks = CHUNK_RE.findall(f.read())
    check(len(json.loads(blocks[0])) == 200 and len(blocks) > 20 and
          max(len(b) for b in blocks) < 300 * 1024,
          "large run: the items come in blocks (the first of 200 items, then about 256 KiB each: %d blocks)" % len(blocks))
    d = dom(os.path.join(big, "view.html"), "", tmp)
    check(count(d) == (n, n), "large run: all 76,174 items counted", count(d))
    check(0 < len(rows(d)) < 200, "large run: only the visible rows are in the DOM (%d)" % len(rows(d)))
    check("<h3>Raw judge output</h3><pre>#score: 1</pre>" in detail(d), "the raw judge output is shown")
    d = dom(os.path.join(big, "view.html"), "item=big/50000", tmp)
    check("big/50000" in rows(d) and '<h2 id="d-id">big/50000</h2>' in d and len(rows(d)) < 200,
          "large run: #item=big/50000 scrolls the list to it and shows it")
    d = dom(os.path.join(big, "view.html"), "principle=9&score=5", tmp)
    # i % 9 == 8 and i % 5 == 4 <=> i % 45 == 44 (Chinese remainder): 76174 // 45 = 1692 such i
    check(want9 == 1692 and count(d) == (want9, n), "large run: #principle=9&score=5 gives 1692")
    d = dom(os.path.join(big, "view.html"), "sort=score-desc", tmp)
    # score i % 5 + 1: the 5s are i = 4, 9, 14, ... in journal order (ties keep it)
    check(count(d) == (n, n) and rows(d)[:3] == ["big/4", "big/9", "big/14"],
          "large run: sort=score-desc is sorted over all blocks", rows(d)[:3])
