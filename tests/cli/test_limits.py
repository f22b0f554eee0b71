"""One rule for limits: --limit 0 and `limit: 0` in YAML are both refused (exit 2), and so are
--sample 0 and `sample: 0`; leaving the key out means every item (issue #15 item 8)."""
from clitest import *

with TempDir() as tmp:
    for key in ("limit", "sample"):
        r = run(["run", "--" + key, "0", "--dry-run"])
        check(r.rc == 2 and ("--" + key) in r.err and one_line(r.err), "--%s 0: exit 2" % key, r)
        cf = os.path.join(tmp, key + ".yaml")
        with open(cf, "w") as f:
            f.write("dataset:\n  %s: 0\n" % key)
        r = run(["run", "--config", cf, "--dry-run"])
        check(r.rc == 2 and ("dataset." + key) in r.err and "at least 1" in r.err,
              "%s: 0 in YAML: exit 2, as the flag" % key, r)
        with open(cf, "w") as f:
            f.write("dataset:\n  %s: 4\n" % key)
        r = run(["run", "--config", cf, "--dry-run"])
        check(r.rc == 0 and "4 work units" in r.out, "%s: 4 in YAML keeps 4 items" % key, r)
    r = run(["run", "--dry-run"])
    check(r.rc == 0 and "27 work units" in r.out, "no limit: every item of the sample", r)
