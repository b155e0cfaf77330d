#!/usr/bin/env python3
"""Authorization from peer credentials (SO_PEERCRED/SO_PEERGROUPS): writes
need uid 0 or the configured group (-G), reads are open to everyone."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402

NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]
NOBODY_4242 = ["--reuid=65534", "--regid=65534", "--groups=4242"]
NOBODY_OTHER = ["--reuid=65534", "--regid=65534", "--groups=4243"]
DENIED = "insufficient user authorizations"


def open_root(e):
    os.chmod(e.root, 0o755)
    for d in ("run", "run/ipadm", "etc", "etc/ipadm"):
        p = os.path.join(e.root, d)
        if os.path.isdir(p):
            os.chmod(p, 0o755)


def snapshot(e):
    return e.all_kernel_addrs(), e.show_addr_rows(), e.show_if_rows()


def expect_denied(e, user, args):
    before = snapshot(e)
    rc, out, err = e.ipadm(*args, user=user)
    eq(rc, 1, "exit status of a denied %s (stderr %r)" % (args[0], err))
    check(DENIED in err.lower(), "ipadm %s as %r: expected %r in stderr, got %r"
          % (" ".join(args), user, DENIED, err))
    eq(snapshot(e), before, "state after a denied %s" % args[0])


def test_unprivileged_write_denied():
    with Env() as e:
        e.start_daemon()
        open_root(e)
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.settle()
        # sanity: really another uid
        _, out, _ = e.nsexec("setpriv", *NOBODY, "id", "-u", check=True)
        eq(out.strip(), "65534", "uid under setpriv")
        for args in (
            ["create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/x"],
            ["create-addr", "-t", "-T", "static", "-a", "192.0.2.11/24", "veth0/x"],
            ["delete-addr", "veth0/v4"],
            ["delete-if", "veth0"],
            ["disable-if", "-t", "veth0"],
            ["create-if", "-t", "lo"],
        ):
            expect_denied(e, NOBODY, args)
        # a group that is not the configured one does not help
        expect_denied(e, NOBODY_OTHER,
                      ["create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/x"])
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel")
        check("veth0/x" not in e.show_addr_map(), "veth0/x was created")

        # reads are open
        rc, out, err = e.ipadm("show-addr", user=NOBODY)
        eq(rc, 0, "show-addr as nobody (stderr %r)" % err)
        check("veth0/v4" in out and "192.0.2.10/24" in out, "show-addr as nobody: %r" % out)
        rc, out, err = e.ipadm("show-addr", "-p", "-o", "addrobj,addr", "veth0/v4", user=NOBODY)
        eq((rc, out), (0, "veth0/v4:192.0.2.10/24\n"), "show-addr -p as nobody (%r)" % err)
        rc, out, err = e.ipadm("show-if", user=NOBODY)
        eq(rc, 0, "show-if as nobody (stderr %r)" % err)
        check("veth0" in out, "show-if as nobody: %r" % out)
        # the daemon survived all of it
        check(e.daemon.poll() is None, "daemon died")
        e.ipadm_ok("delete-addr", "veth0/v4")


def test_group_write_allowed():
    with Env() as e:
        e.start_daemon(extra=["-G", "4242"])
        open_root(e)
        rc, out, err = e.ipadm("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4",
                               user=NOBODY_4242)
        eq(rc, 0, "create-addr as nobody in group 4242 (stderr %r)" % err)
        e.settle()
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel after group write")
        eq(e.show_addr_map()["veth0/v4"]["addr"], "192.0.2.10/24", "show-addr")
        # without the group: denied
        expect_denied(e, NOBODY, ["delete-addr", "veth0/v4"])
        expect_denied(e, NOBODY_OTHER, ["delete-addr", "veth0/v4"])
        # with it: allowed
        rc, out, err = e.ipadm("delete-addr", "veth0/v4", user=NOBODY_4242)
        eq(rc, 0, "delete-addr as nobody in group 4242 (stderr %r)" % err)
        eq(e.kaddrs("veth0"), set(), "kernel after group delete")
        # root still may write
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.12/24", "veth0/r")
        eq(e.kaddrs("veth0"), {("192.0.2.12", 24)}, "kernel after root write")


if __name__ == "__main__":
    main([
        test_unprivileged_write_denied,
        test_group_write_allowed,
    ])
