"""medsafety mcq (multiple-choice accuracy) and compare of mcq runs, offline and against the
OpenAI-compatible test server, whose [[say:TEXT]] marker makes it answer TEXT.

Expected numbers were computed independently (redo them with /usr/bin/python3):
  from statsmodels.stats.proportion import proportion_confint as c
  c(10, 36, method='wilson') == (0.15848337940134608, 0.4399248999739711)
  c(3, 5, method='wilson')   == (0.2307242812760129, 0.8823792257673522)
  c(2, 3, method='wilson')   == (0.2076596008020477, 0.9385080552796037)
  c(1, 2, method='wilson')   == (0.09453120573423068, 0.9054687942657693)
  from scipy.stats import binomtest
  binomtest(0, 26, 0.5).pvalue == 2.9802322387695312e-08   (exact McNemar, 26 discordant pairs)
The mcq-sample key has 10 questions whose answer is A (lib/mcq/sample.c).
"""
from clitest import *


def close(a, b, tol=1e-7):
    return a is not None and abs(a - b) <= tol


def summary(d):
    return load_json(os.path.join(d, "summary.json"))


with TempDir() as tmp:
    # offline: the built-in set with the replay model, which says the right letter
    a = os.path.join(tmp, "a")
    r = run(["mcq", "--out", a])
    check(r.rc == 0, "mcq with no SOURCE runs mcq-sample offline", r)
    s = summary(a)
    check(s["kind"] == "mcq" and s["overall"]["n"] == 36 and s["overall"]["n_correct"] == 36,
          "replay answers every question right", s["overall"])
    check(close(s["overall"]["accuracy"], 1.0) and s["overall"]["n_unanswered"] == 0,
          "accuracy 1, nothing unanswered")
    check(s["by_source"]["mcq-sample"]["n"] == 36 and s["by_subject"]["pharmacology"]["n"] == 7,
          "groups by source and by subject", s["by_subject"].keys())
    check(os.path.exists(os.path.join(a, "report.md")) and
          not os.path.exists(os.path.join(a, "report.html")),
          "report.md is the mcq table; the harm report.html is not left behind")
    check("accuracy" in r.out and "pharmacology" in r.out, "the table on stdout", r.out)
    recs = records(a)
    check(all(x["judge"]["name"] == "mcq" and x["score"] == 1 for x in recs),
          "records: judge mcq, score 1 = right", recs[:1])
    cfg = load_json(os.path.join(a, "run.json"))["config"]
    check(cfg["mcq"]["shots"] == 0 and cfg["mcq"]["source"] == "mcq-sample" and "judge" not in cfg,
          "run.json records the mcq settings and no judge of `run`", cfg)

    # always "A": 10 of 36 right; Wilson interval as statsmodels gives it
    b = os.path.join(tmp, "b")
    r = run(["mcq", "mcq-sample", "--replay-text", "The answer is (A).", "--out", b, "-q"])
    check(r.rc == 0, "--replay-text", r)
    o = summary(b)["overall"]
    check(o["n_correct"] == 10 and close(o["accuracy"], 10 / 36), "10 of 36 right", o)
    check(close(o["accuracy_ci_low"], 0.15848337940134608) and
          close(o["accuracy_ci_high"], 0.4399248999739711), "Wilson 95% CI = statsmodels'", o)

    # report of an mcq run: its own summary and table, not the harm report
    r = run(["report", b, "--format", "json"])
    check(r.rc == 0 and json.loads(r.out)["kind"] == "mcq", "report --format json of an mcq run", r)
    r = run(["report", b])
    check(r.rc == 0 and r.out.startswith("# Multiple-choice accuracy"), "report (md) of an mcq run", r)
    r = run(["report", b, "--format", "table"])
    check(r.rc == 0 and "27.8%" in r.out, "report --format table of an mcq run", r)
    r = run(["report", b, "--format", "html"])
    check(r.rc == 2, "report --format html of an mcq run is exit 2", r)

    # compare: exact McNemar on the 26 discordant pairs
    r = run(["compare", a, b, "--json"])
    check(r.rc == 0, "compare two mcq runs", r)
    c = json.loads(r.out)
    check(c["kind"] == "mcq" and c["n_paired"] == 36 and c["only_a_right"] == 26 and
          c["only_b_right"] == 0 and c["both_right"] == 10, "the paired table", c)
    check(close(c["mcnemar_p"], 2.9802322387695312e-08, 1e-15), "McNemar p = scipy's binomtest", c)
    r = run(["compare", a, b, "--fail-if-worse"])
    check(r.rc == 1 and "McNemar" in r.out, "--fail-if-worse: B is significantly worse", r)
    r = run(["compare", b, a, "--fail-if-worse"])
    check(r.rc == 0, "--fail-if-worse passes when B is better", r)

    # unanswered: no letter, no option text
    u = os.path.join(tmp, "u")
    r = run(["mcq", "--replay-text", "I am not sure.", "--out", u, "-q"])
    o = summary(u)["overall"]
    check(r.rc == 0 and o["n_unanswered"] == 36 and o["n_correct"] == 0 and close(o["accuracy"], 0.0),
          "unanswered questions count as not right", o)

    # k-shot: seeded examples, the same in every run
    k1, k2 = os.path.join(tmp, "k1"), os.path.join(tmp, "k2")
    for d in (k1, k2):
        r = run(["mcq", "--shots", "2", "--shot-seed", "7", "--limit", "5", "--out", d, "-q"])
        check(r.rc == 0, "--shots 2 --shot-seed 7 --limit 5", r)
    p1 = [x["prompt"] for x in records(k1)]
    p2 = [x["prompt"] for x in records(k2)]
    check(len(p1) == 5 and all(p.count("Question:") == 3 and p.count("Answer: ") == 2 for p in p1),
          "two solved examples before each question", p1[:1])
    check(sorted(p1) == sorted(p2), "the same examples in a second run")

    # usage errors
    r = run(["mcq", "--judge", "refusal"])
    check(r.rc == 2 and "judge" in r.err, "--judge is refused", r)
    r = run(["mcq", os.path.join(tmp, "missing.jsonl")])
    check(r.rc == 2 and "missing.jsonl" in r.err, "a missing SOURCE is exit 2", r)
    r = run(["mcq", "--help"])
    check(r.rc == 0 and "--shots" in r.out, "--help")

with TempDir() as tmp, TestServer() as srv:
    # our own questions; the server says what [[say:...]] holds
    qs = [
        ("s1", "Q1 [[say:The answer is B.]]", ["w", "x", "y", "z"], "B"),       # right
        ("s1", "Q2 [[say:**C**]]", ["w", "x", "y", "z"], 2),                     # right
        ("s1", "Q3 [[say:A]]", ["w", "x", "y", "z"], "D"),                       # wrong
        ("s2", "Q4 [[say:I do not know.]]", ["w", "x", "y", "z"], "A"),          # unanswered
        ("s2", "Q5 [[say:Metformin]]", ["Metformin", "Insulin"], 0),             # right (text)
        ("s2", "Q6 [[fault:400]]", ["w", "x"], 1),                               # error
    ]
    src = os.path.join(tmp, "my-questions.jsonl")
    with open(src, "w") as f:
        for subj, q, ch, ans in qs:
            f.write(json.dumps({"question": q, "choices": ch, "answer": ans, "subject": subj}) + "\n")

    def check_http(d, what):
        s = summary(d)
        o = s["overall"]
        check(o["n"] == 6 and o["n_errors"] == 1 and o["n_correct"] == 3 and o["n_unanswered"] == 1
              and o["n_answered"] == 4, what + ": counts", o)
        check(close(o["accuracy"], 0.6) and close(o["accuracy_ci_low"], 0.2307242812760129) and
              close(o["accuracy_ci_high"], 0.8823792257673522), what + ": accuracy 3/5, Wilson", o)
        s1, s2 = s["by_subject"]["s1"], s["by_subject"]["s2"]
        check(close(s1["accuracy"], 2 / 3) and close(s1["accuracy_ci_low"], 0.2076596008020477) and
              close(s2["accuracy"], 0.5) and close(s2["accuracy_ci_high"], 0.9054687942657693),
              what + ": by subject", s["by_subject"])
        check(s["by_source"]["my-questions"]["n"] == 6, what + ": by source (the file stem)")

    h = os.path.join(tmp, "h")
    r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--concurrency", "3",
             "--out", h, "-q"])
    check(r.rc == 0, "mcq against the test server (chat)", r)
    check_http(h, "chat")
    recs = {x["id"]: x for x in records(h)}
    check(recs["my-questions/3"]["judge"]["raw"] == "A" and recs["my-questions/3"]["score"] == 5,
          "a wrong letter: raw A, score 5", recs["my-questions/3"])
    check(recs["my-questions/4"]["score"] is None, "no answer: score null")
    check(recs["my-questions/6"]["error"] is not None, "the server's 400 is an error record")

    c = os.path.join(tmp, "c")
    r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--endpoint",
             "completions", "--prompt-format", "llama2", "--out", c, "-q"])
    check(r.rc == 0, "mcq on the completions endpoint", r)
    check_http(c, "completions")

    # shards of the same run, merged: the mcq summary of the unsharded run (not a harm summary)
    shards = []
    for i in range(2):
        d = os.path.join(tmp, "shard%d" % i)
        r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--shard", "%d/2" % i,
                 "--out", d, "-q"])
        check(r.rc == 0 and 0 < summary(d)["overall"]["n"] < 6, "mcq --shard %d/2" % i, r)
        shards.append(d)
    m = os.path.join(tmp, "merged")
    r = run(["merge"] + shards + ["--out", m])
    check(r.rc == 0 and "report.md" in r.out, "merge of two mcq shards", r)
    check(summary(m).get("kind") == "mcq" and "mean" not in summary(m)["overall"],
          "the merged summary is an mcq summary", summary(m))
    check_http(m, "merged shards")
    check(summary(m) == summary(h), "merged shards == the unsharded run (every group)",
          (summary(m), summary(h)))
    r = run(["compare", h, m, "--json"])
    cj = json.loads(r.out) if r.rc == 0 else {}
    check(cj.get("kind") == "mcq" and cj.get("n_paired") == 5 and cj.get("only_a_right") == 0 and
          cj.get("only_b_right") == 0 and cj.get("mcnemar_p") == 1.0,
          "compare pairs the merged run with the unsharded one: same answers", cj)
    with open(os.path.join(m, "report.md")) as f:
        check("Multiple-choice accuracy" in f.read(), "the merged report.md is the mcq one")

    # a budget stops the run; --resume finishes it
    rb = os.path.join(tmp, "r")
    r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--concurrency", "1",
             "--max-requests", "2", "--out", rb, "-q"])
    check(r.rc == 1 and "--resume" in r.err, "--max-requests 2 stops the run", r)
    check(summary(rb)["overall"]["n"] < 6, "a partial summary is written", summary(rb)["overall"])
    r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--resume", "--out", rb,
             "-q"])
    check(r.rc == 0, "--resume finishes the run", r)
    check_http(rb, "resumed")
    r = run(["mcq", src, "--model", "openai/test", "--base-url", srv.url, "--shots", "1",
             "--resume", "--out", rb, "-q"])
    check(r.rc != 0, "resume with other mcq settings is refused", r)

# SIGINT stops an mcq run as it stops `run` (cli/endrun.c): exit 130 (128 + SIGINT), the summary
# of what finished written, the resume hint; --resume finishes it
import signal

with TempDir() as tmp, TestServer("--latency-ms", "250") as srv:
    out = os.path.join(tmp, "sig")
    p = subprocess.Popen([BIN, "mcq", "--model", "openai/slow", "--base-url", srv.url,
                          "--concurrency", "1", "--out", out], env=base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    path = os.path.join(out, "results.jsonl")
    while time.time() < deadline and not (os.path.exists(path) and os.path.getsize(path) > 0):
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    o, e = p.communicate(timeout=30)
    e = e.decode()
    n = len(records(out))
    check(p.returncode == 130, "mcq stopped by SIGINT: exit 130", (p.returncode, e))
    check("--resume" in e and "medsafety mcq mcq-sample --resume --out" in e,
          "mcq stopped: says how to resume", e)
    check(0 < n < 36 and summary(out).get("kind") == "mcq" and summary(out)["overall"]["n"] == n,
          "mcq stopped: the summary of the %d finished questions" % n, summary(out))
    r = run(["mcq", "--model", "openai/slow", "--base-url", srv.url, "--concurrency", "16",
             "--resume", "--out", out, "-q"])
    check(r.rc == 0 and len(records(out)) == 36 and summary(out)["overall"]["n"] == 36,
          "mcq --resume finishes the stopped run", r)

# dataset fetch pubmedqa: pinned by SHA-256, so a different file is refused (served here, by a
# thread of this script on 127.0.0.1, is our own fixture, not the real set)
import http.server
import threading

with TempDir() as tmp:
    site = os.path.join(tmp, "site", "data")
    os.makedirs(site)
    shutil.copy(os.path.join(FIXTURES, "mcq", "ori_pqal.json"), os.path.join(site, "ori_pqal.json"))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: Quiet(*a, directory=os.path.join(tmp, "site"), **k))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    dest = os.path.join(tmp, "pq")
    r = run(["dataset", "fetch", "pubmedqa", "--base-url", "http://127.0.0.1:%d" % srv.server_address[1],
             "--dir", dest])
    srv.shutdown()
    check(r.rc == 1 and "ori_pqal.json" in r.err and ("size" in r.err or "SHA-256" in r.err),
          "fetch pubmedqa refuses a file that is not the pinned one", r)
    check(not os.path.exists(os.path.join(dest, "data", "ori_pqal.json")), "and keeps nothing")
