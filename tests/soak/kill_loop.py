#!/usr/bin/env python3
"""The long SIGKILL loop (issue 11, docs/reliability.md "Kill-loop figure").

    sudo tests/soak/kill_loop.py [-n ITERATIONS] [--seed SEED]

Runs the crash loop of tests/integration/test_crash_loop.py (same machinery,
same oracles; nothing is copied) for N iterations, default 20,000
(IPADM_KILL_ITERATIONS). Each iteration: two clients issue acknowledged
writes (create/delete/down/up-addr, persistent and temporary, create/delete-if)
back to back, ipmgmtd is SIGKILLed at a random moment, restarted, and then
checked: every acknowledged write is there (kernel, show-addr, store), every
acknowledged delete is absent, the map agrees with the kernel both ways, the
store holds only acknowledged or in-flight objects, integrity_check is ok,
the restart changed no kernel address.

Prints one line:
    kill-loop: N iterations, A acknowledged writes, L lost, V violations, ... -> PASS|FAIL
and exits 1 on any lost write or other violation (0 otherwise). Binaries:
IPADM_BIN / IPMGMTD_BIN, else build/ipadm and build/ipmgmtd. Root only.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402
import test_crash_loop as loop  # noqa: E402

# Violation classes (test_crash_loop.violation_class) that mean an
# acknowledged write did not survive the kill.
LOST_PREFIXES = ("acknowledged ", "deleted ", "NAME: store up=", "NAME: store has",
                 "NAME: show-addr ADDR", "veth2 (", "veth2 deleted")


def lost_writes(violations):
    return sum(n for cls, n in violations.items() if cls.startswith(LOST_PREFIXES))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--iterations", type=int,
                    default=int(os.environ.get("IPADM_KILL_ITERATIONS", "20000")))
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("kill-loop: needs root (network namespaces)")
        return 77
    t0 = time.monotonic()
    try:
        rc, s = loop.run_loop(args.iterations, args.seed, timeout=None)
    finally:
        harness._cleanup_all()
    st, viol = s.get("stats", {}), s.get("violations", {})
    lost = lost_writes(viol)
    nviol = sum(viol.values())
    done = st.get("iterations", 0)
    ok = rc == 0 and done >= args.iterations and nviol == 0
    print("kill-loop: %d iterations, %d acknowledged writes, %d lost, %d violations, "
          "%d requests in flight at a kill, seed %d, %.0f s -> %s"
          % (done, st.get("acknowledged", 0), lost, nviol,
             st.get("in flight at the kill", 0), args.seed, time.monotonic() - t0,
             "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
