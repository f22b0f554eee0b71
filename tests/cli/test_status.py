"""medsafety status DIR... (issue 17 item 2): per shard done/total, errors, unscored, status,
last write; the total with an ETA; read-only (nothing in the folders changes)."""
import hashlib
import subprocess
from clitest import *


def snapshot(dirs):
    """Every file of the folders with its content hash and mtime: status must change none."""
    out = {}
    for d in dirs:
        for root, _, names in os.walk(d):  # a run folder has subfolders (figures/)
            for name in sorted(names):
                p = os.path.join(root, name)
                with open(p, "rb") as f:
                    out[p] = (hashlib.sha256(f.read()).hexdigest(), os.stat(p).st_mtime_ns)
    return out


with TempDir() as tmp:
    s = [os.path.join(tmp, "shard-%d" % i) for i in range(3)]
    for i in (0, 1):
        check(run(["run", "-q", "--shard", "%d/3" % i, "--out", s[i]]).rc == 0, "shard %d/3" % i)
    counts = [len(records(d)) for d in s[:2]]

    before = snapshot(s[:2])
    r = run(["status", "--json"] + s[:2])
    check(r.rc == 0, "status --json", r)
    st = json.loads(r.out)
    check([x["shard"] for x in st["shards"]] == [{"index": 0, "count": 3}, {"index": 1, "count": 3}]
          and [x["done"] for x in st["shards"]] == counts and [x["total"] for x in st["shards"]] == counts
          and all(x["status"] == "finished" and x["errors"] == 0 and x["unscored"] == 0 for x in st["shards"]),
          "per shard: shard, done/total, status, errors, unscored", st["shards"])
    check(all(x["last_write"].endswith("Z") and x["age_s"] >= 0 for x in st["shards"]), "per shard: last write")
    t = st["total"]
    check(t["done"] == sum(counts) and t["total"] == 27 and t["shard_count"] == 3 and t["missing_shards"] == [2]
          and t["running"] == 0 and t["eta_s"] is None,
          "total: done of the whole selection (27), the missing shard, no ETA with nothing running", t)
    r = run(["status"] + s[:2])
    check(r.rc == 0 and "total: %d/27" % sum(counts) in r.out and "missing shards: 2 (of 3)" in r.out
          and "finished" in r.out, "status: the table", r)
    check(snapshot(s[:2]) == before, "status writes nothing (contents and mtimes unchanged)")

    # a shard that is running: a slow model (test server, 400 ms per answer, one at a time)
    with TestServer("--latency-ms", "400") as srv:
        env = base_env(MSB_TEST_KEY="k")
        p = subprocess.Popen([BIN, "run", "-q", "--shard", "2/3", "--out", s[2], "-m", "openai/slow",
                              "--base-url", srv.url, "--api-key-env", "MSB_TEST_KEY", "--concurrency", "1"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        journal = os.path.join(s[2], "results.jsonl")
        deadline = time.time() + 60
        while time.time() < deadline and p.poll() is None:
            if os.path.exists(journal) and len(records(s[2])) >= 2:
                break
            time.sleep(0.1)
        r = run(["status", "--json"] + s)
        p.wait(timeout=120)
        check(p.returncode == 0, "the slow shard finishes", p.stderr.read())
    st = json.loads(r.out)
    x = st["shards"][2]
    if x["status"] == "running":  # not finished before status looked (400 ms x 9 items: the usual case)
        check(1 <= x["done"] < x["total"] and st["total"]["running"] == 1 and st["total"]["missing_shards"] == []
              and st["total"]["rate_per_s"] > 0 and st["total"]["eta_s"] is not None,
              "a running shard: part done, a rate and an ETA", st)
    else:
        print("note: the slow shard finished before status looked; running case not seen")
    r = run(["status", "--json"] + s)
    st = json.loads(r.out)
    check(st["total"]["done"] == 27 and st["total"]["total"] == 27 and st["total"]["eta_s"] == 0,
          "all shards finished: 27/27, ETA 0", st["total"])

    # a shard killed long ago: run.json still says running, nothing written for an hour
    k = os.path.join(tmp, "killed")
    shutil.copytree(s[0], k)
    rk = load_json(os.path.join(k, "run.json"))
    rk["status"] = "running"
    with open(os.path.join(k, "run.json"), "w") as f:
        json.dump(rk, f)
    old = time.time() - 3600
    for name in os.listdir(k):
        os.utime(os.path.join(k, name), (old, old))
    r = run(["status", "--json", k, s[1]])
    st = json.loads(r.out)
    check(r.rc == 0 and st["shards"][0]["status"] == "running" and st["shards"][0]["stale"] is True
          and st["shards"][1]["stale"] is False and st["total"]["running"] == 0 and st["total"]["stale"] == 1,
          "a running shard silent for an hour is stale (probably killed)", st)
    r = run(["status", k])
    check(r.rc == 0 and "running?" in r.out and "probably killed" in r.out, "... shown as running?", r)
    r = run(["status", "--json", k], env=base_env(MEDSAFETY_STATUS_STALE_S="7200"))
    check(json.loads(r.out)["shards"][0]["stale"] is False, "MEDSAFETY_STATUS_STALE_S sets the limit")
    # a run.json of 0.1.0: the shard only in config.dataset.shard
    o = os.path.join(tmp, "old")
    shutil.copytree(s[1], o)
    ro = load_json(os.path.join(o, "run.json"))
    del ro["dataset"]["shard"]
    with open(os.path.join(o, "run.json"), "w") as f:
        json.dump(ro, f)
    st = json.loads(run(["status", "--json", o]).out)
    check(st["shards"][0]["shard"] == {"index": 1, "count": 3}, "a 0.1.0 run.json: the shard from its configuration",
          st["shards"][0])

    r = run(["status", os.path.join(tmp, "nothing")])
    check(r.rc == 2 and one_line(r.err), "a folder that holds no run: exit 2", r)
    r = run(["status"])
    check(r.rc == 2, "no folder: exit 2", r)
