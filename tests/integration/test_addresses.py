#!/usr/bin/env python3
"""Static address objects against the real kernel: create-addr, delete-addr,
show-addr, unmanaged addresses, connectivity to a peer namespace, and the
error paths of the CLI (spec 2.2, 2.4, 3, 7)."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Env, check, eq, human_rows, main, wait_for  # noqa: E402


def IPADM_PATH():
    return harness.IPADM


def create(e, addr, obj, *opts):
    return e.ipadm_ok("create-addr", *opts, "-T", "static", "-a", addr, obj)


def test_static_v4():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        a = e.kaddr("192.0.2.10")
        check(a is not None, "192.0.2.10 not in the kernel: %r" % e.addr_info())
        eq(a["family"], "inet", "family")
        eq(a["prefixlen"], 24, "prefixlen")
        eq(a.get("broadcast"), "192.0.2.255", "broadcast")
        check(e.link_up("veth0"), "create-addr plumbs the interface implicitly (link up)")
        e.wait_running()
        e.wait_addr_state("veth0/v4", "ok")
        out = e.ipadm_ok("show-addr")
        hdr, rows = human_rows(out)
        eq(hdr, ["ADDROBJ", "TYPE", "STATE", "ADDR"], "show-addr default header")
        check(["veth0/v4", "static", "ok", "192.0.2.10/24"] in rows,
              "show-addr row missing: %r" % out)
        r = e.show_addr_map()["veth0/v4"]
        eq(r["persistent"], "U--", "PERSISTENT of a persistent up address")
        eq(r["current"], "U----", "CURRENT")
        # the interface is implicitly plumbed, persistently
        eq(e.show_if_map()["veth0"]["persistent"], "-46", "implicitly created interface")


def test_static_v6():
    with Env() as e:
        e.start_daemon()
        create(e, "2001:db8::10/64", "veth0/v6")
        a = e.kaddr("2001:db8::10")
        check(a is not None, "2001:db8::10 not in the kernel: %r" % e.addr_info())
        eq(a["prefixlen"], 64, "prefixlen")
        st = e.show_addr_map()["veth0/v6"]["state"]
        check(st in ("ok", "tentative"), "state right after create: %r" % st)
        e.wait_dad()
        e.wait_addr_state("veth0/v6", "ok")
        check(not e.kaddr("2001:db8::10").get("dadfailed"), "DAD failed")


def test_default_prefix():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.11", "veth0/c")
        create(e, "10.1.2.3", "veth0/a")
        create(e, "172.16.5.4", "veth0/b")
        create(e, "2001:db8:5::4", "veth0/six")
        got = e.kaddrs("veth0")
        for want in (("192.0.2.11", 24), ("10.1.2.3", 8), ("172.16.5.4", 16),
                     ("2001:db8:5::4", 64)):
            check(want in got, "expected %r in kernel %r" % (want, got))
        eq(e.kaddr("10.1.2.3").get("broadcast"), "10.255.255.255", "class A broadcast")
        rows = e.show_addr_map()
        eq(rows["veth0/c"]["addr"], "192.0.2.11/24", "ADDR veth0/c")
        eq(rows["veth0/a"]["addr"], "10.1.2.3/8", "ADDR veth0/a")


def test_point_to_point():
    with Env() as e:
        e.start_daemon()
        create(e, "local=10.9.0.1,remote=10.9.0.2", "veth0/p2p")
        a = e.kaddr("10.9.0.1")
        check(a is not None, "10.9.0.1 not in the kernel: %r" % e.addr_info())
        eq(a.get("address"), "10.9.0.2", "peer address")
        eq(a["prefixlen"], 32, "prefixlen of a p2p address without /plen")
        eq(e.show_addr_map()["veth0/p2p"]["addr"], "10.9.0.1->10.9.0.2", "ADDR")
        # IPv6 point-to-point, and a p2p address with an explicit prefix
        create(e, "local=2001:db8:9::1,remote=2001:db8:9::2", "veth0/p2p6")
        a6 = e.kaddr("2001:db8:9::1")
        check(a6 is not None, "2001:db8:9::1 not in the kernel: %r" % e.addr_info())
        eq(a6.get("address"), "2001:db8:9::2", "IPv6 peer address")
        eq(e.show_addr_map()["veth0/p2p6"]["addr"], "2001:db8:9::1->2001:db8:9::2", "ADDR")
        # remote of another family
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "local=10.9.2.1,remote=2001:db8::2",
                      "veth0/mix"])
        check("veth0/mix" not in e.show_addr_map(), "failed object is shown")


def test_temporary():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        create(e, "192.0.2.20/24", "veth0/tmp", "-t")
        create(e, "2001:db8::20/64", "veth0/tmp6", "-t")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("192.0.2.20", 24), ("2001:db8::20", 64)},
           "kernel")
        rows = e.show_addr_map()
        eq(rows["veth0/tmp"]["persistent"], "---", "PERSISTENT of a temporary address")
        eq(rows["veth0/tmp6"]["persistent"], "---", "PERSISTENT of a temporary address")
        eq(rows["veth0/v4"]["persistent"], "U--", "PERSISTENT of a persistent address")
        e.reboot()
        rows = e.show_addr_map()
        check("veth0/tmp" not in rows and "veth0/tmp6" not in rows,
              "temporary objects survived a reboot: %r" % rows)
        eq(rows["veth0/v4"]["state"], "disabled", "persistent object after reboot")
        eq(e.kaddrs("veth0"), set(), "kernel after reboot")


def test_down():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        create(e, "192.0.2.50/24", "veth0/dn", "-d")
        create(e, "2001:db8::50/64", "veth0/dn6", "-d")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel: down objects are not in it")
        rows = e.show_addr_map()
        eq(rows["veth0/dn"]["state"], "down", "state of a -d object")
        eq(rows["veth0/dn6"]["state"], "down", "state of a -d object")
        eq(rows["veth0/dn"]["addr"], "192.0.2.50/24", "ADDR of a -d object")
        eq(rows["veth0/dn"]["persistent"], "---", "PERSISTENT of a persisted-down object")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.51/24", "veth0/dn"],
                     "Address object already exists")
        e.ipadm_ok("delete-addr", "veth0/dn")
        check("veth0/dn" not in e.show_addr_map(), "deleted -d object still shown")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel")


def test_delete_addr():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        create(e, "2001:db8::10/64", "veth0/v6")
        create(e, "192.0.2.20/24", "veth0/tmp", "-t")
        e.ipadm_ok("delete-addr", "veth0/v4")
        e.ipadm_ok("delete-addr", "veth0/v6")
        e.ipadm_ok("delete-addr", "veth0/tmp")
        eq(e.kaddrs("veth0"), set(), "kernel after delete-addr")
        eq([r for r in e.show_addr_rows() if r["addrobj"].startswith("veth0/")], [], "show-addr")
        e.ipadm_fail(["delete-addr", "veth0/v4"], "Object not found")
        e.ipadm_fail(["show-addr", "veth0/v4"], "Object not found")
        # names are free again, also with another family
        create(e, "2001:db8::11/64", "veth0/v4")
        eq(e.kaddrs("veth0"), {("2001:db8::11", 64)}, "kernel after re-create")
        # the interface stays plumbed
        check("veth0" in e.show_if_map(), "interface gone after delete-addr")
        # deleting an address removed behind the daemon's back still purges it
        e.nsexec("ip", "addr", "del", "2001:db8::11/64", "dev", "veth0", check=True)
        e.ipadm_ok("delete-addr", "veth0/v4")
        check("veth0/v4" not in e.show_addr_map(), "object survived delete-addr")
        e.reboot()
        check("veth0/v4" not in e.show_addr_map(), "deleted object came back after reboot")


def test_ping_peer():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        create(e, "2001:db8::10/64", "veth0/v6")
        e.wait_running()
        e.wait_dad()
        e.wait_addr_state("veth0/v6", "ok")
        rc, out, err = e.nsexec("ping", "-c", "2", "-i", "0.2", "-W", "3", "192.0.2.1",
                                timeout=30)
        eq(rc, 0, "ping 192.0.2.1 from the main namespace (%s %s)" % (out, err))
        rc, out, err = e.nsexec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "3", "2001:db8::1",
                                timeout=30)
        eq(rc, 0, "ping 2001:db8::1 from the main namespace (%s %s)" % (out, err))
        # and the other way round
        rc, out, err = e.nsexec("ping", "-c", "1", "-W", "3", "192.0.2.10", ns=e.peer,
                                timeout=30)
        eq(rc, 0, "ping 192.0.2.10 from the peer (%s %s)" % (out, err))


def test_unmanaged_addresses():
    with Env() as e:
        e.start_daemon()
        e.nsexec("ip", "link", "set", "veth0", "up", check=True)
        e.nsexec("ip", "addr", "add", "198.51.100.7/24", "dev", "veth0", check=True)
        e.nsexec("ip", "addr", "add", "2001:db8:1::7/64", "dev", "veth0", "nodad", check=True)
        foreign = {("198.51.100.7", 24), ("2001:db8:1::7", 64)}

        def foreign_ok(step):
            got = e.kaddrs("veth0")
            check(foreign <= got, "after %s: unmanaged addresses %r not all in kernel %r"
                  % (step, foreign, got))
            rows = e.show_addr_rows("veth0/")
            unnamed = {r["addr"] for r in rows if r["addrobj"] == "veth0/?"}
            check({"198.51.100.7/24", "2001:db8:1::7/64"} <= unnamed,
                  "after %s: show-addr veth0/? rows %r" % (step, rows))

        foreign_ok("setup")
        rows = {r["addr"]: r for r in e.show_addr_rows() if r["addrobj"] == "veth0/?"}
        eq([rows[a]["type"] for a in ("198.51.100.7/24", "2001:db8:1::7/64")],
           ["static", "static"], "inferred TYPE of unnamed addresses")
        # the kernel's own link-local (the link was set up by hand) is addrconf
        lls = [r for a, r in rows.items() if a.startswith("fe80:")]
        check(all(r["type"] == "addrconf" for r in lls), "link-local TYPE: %r" % lls)
        # a link others configured is already plumbed: create-if is refused,
        # create-addr adopts it (docs/linux-mapping.md)
        e.ipadm_fail(["create-if", "veth0"], "Interface already exists")
        foreign_ok("refused create-if")
        steps = [
            ("create-addr v4", ["create-addr", "-T", "static", "-a", "192.0.2.10/24",
                                "veth0/v4"]),
            ("create-addr v6", ["create-addr", "-T", "static", "-a", "2001:db8::10/64",
                                "veth0/v6"]),
            ("create-addr -t", ["create-addr", "-t", "-T", "static", "-a", "192.0.2.20/24",
                                "veth0/tmp"]),
            ("create-addr -d", ["create-addr", "-d", "-T", "static", "-a", "192.0.2.30/24",
                                "veth0/dn"]),
            ("create-addr p2p", ["create-addr", "-T", "static", "-a",
                                 "local=10.9.0.1,remote=10.9.0.2", "veth0/p2p"]),
            ("show-if", ["show-if"]),
            ("show-addr", ["show-addr"]),
            ("delete-addr", ["delete-addr", "veth0/v4"]),
            ("delete-addr v6", ["delete-addr", "veth0/v6"]),
            ("delete-addr -t", ["delete-addr", "veth0/tmp"]),
            ("delete-addr -d", ["delete-addr", "veth0/dn"]),
        ]
        for name, args in steps:
            e.ipadm_ok(*args)
            foreign_ok(name)
        # failed commands leave them alone too
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "198.51.100.7/24", "veth0/dup"])
        foreign_ok("create-addr of an existing kernel address")
        e.ipadm_fail(["delete-addr", "veth0/nosuch"], "Object not found")
        foreign_ok("failed delete-addr")
        # a daemon restart does not adopt or remove them
        e.stop_daemon()
        foreign_ok_kernel = e.kaddrs("veth0")
        check(foreign <= foreign_ok_kernel, "after daemon stop: %r" % foreign_ok_kernel)
        e.start_daemon()
        foreign_ok("daemon restart")
        # the managed object that remains is still managed
        eq(e.show_addr_map()["veth0/p2p"]["addr"], "10.9.0.1->10.9.0.2", "veth0/p2p")


def test_bad_inputs():
    with Env() as e:
        e.start_daemon()
        create(e, "192.0.2.10/24", "veth0/v4")
        e.nsexec("ip", "addr", "add", "198.51.100.7/24", "dev", "veth0", check=True)
        e.settle()
        inval = "Invalid argument provided"
        cases = [
            # (args, message(s) expected in stderr)
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0"],
             (inval, "Invalid address object name")),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/"],
             (inval, "Invalid address object name")),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "/v4x"],
             (inval, "Invalid name", "Invalid address object name")),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/1abc"], inval),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/a_b"], inval),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/a-b"], inval),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/a.b"], inval),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/" + "a" * 32],
             inval),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "a" * 16 + "/v4"],
             (inval, "Invalid name")),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/v4"],
             "Address object already exists"),
            (["create-addr", "-t", "-T", "static", "-a", "192.0.2.20/24", "veth0/v4"],
             "Address object already exists"),
            (["create-addr", "-T", "static", "-a", "300.1.1.1", "veth0/bad"], "Invalid address"),
            (["create-addr", "-T", "static", "-a", "300.1.1.1/24", "veth0/bad"],
             "Invalid address"),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/33", "veth0/bad"],
             (inval, "Invalid address")),
            (["create-addr", "-T", "static", "-a", "2001:db8::20/129", "veth0/bad"],
             (inval, "Invalid address")),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/abc", "veth0/bad"],
             (inval, "Invalid address")),
            (["create-addr", "-T", "static", "-a", "local=10.9.0.1,remote=10.9.0.2/24",
              "veth0/bad"], "Invalid address"),
            (["create-addr", "-T", "static", "-a", "remote=10.9.0.2", "veth0/bad"],
             "Missing local address"),
            (["create-addr", "-T", "static", "-a", "0.0.0.0", "veth0/bad"], "Invalid address"),
            (["create-addr", "-T", "static", "-a", "0.0.0.0/24", "veth0/bad"],
             "Invalid address"),
            (["create-addr", "-T", "static", "-a", "::/64", "veth0/bad"], "Invalid address"),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "nosuch0/v4"],
             "Interface does not exist"),
            (["create-addr", "-a", "192.0.2.20/24", "veth0/bad"], "usage"),
            (["create-addr", "-T", "static", "veth0/bad"], "-a"),
            (["create-addr", "-T", "bogus", "-a", "192.0.2.20/24", "veth0/bad"],
             "Invalid address type"),
            (["create-addr", "-T", "static", "-w", "5", "-a", "192.0.2.20/24", "veth0/bad"],
             "Invalid arguments for type static"),
            (["create-addr", "-T", "static", "-x", "-a", "192.0.2.20/24", "veth0/bad"],
             "unrecognized option"),
            (["create-addr", "--bogus", "-T", "static", "-a", "192.0.2.20/24", "veth0/bad"],
             "unrecognized option"),
            (["create-addr", "-T", "static", "-a"], "requires a value"),
            (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/b1", "veth0/b2"],
             "usage"),
            (["create-adr", "-T", "static", "-a", "192.0.2.20/24", "veth0/bad"],
             "unknown subcommand"),
            (["delete-addr", "veth0/nosuch"], "Object not found"),
            (["delete-addr"], "usage"),
            (["show-addr", "-p"], "-p requires -o"),
            (["show-addr", "veth0/nosuch"], "Object not found"),
        ]
        kernel_before = e.all_kernel_addrs()
        show_before = e.show_addr_rows()
        failures = []
        for args, msg in cases:
            rc, out, err = e.ipadm(*args)
            alts = (msg,) if isinstance(msg, str) else msg
            if rc != 1 or not any(m.lower() in err.lower() for m in alts):
                failures.append("ipadm %s: rc=%d (want 1), stderr=%r (want one of %r)"
                                % (" ".join(args), rc, err.strip()[:300], alts))
            if e.all_kernel_addrs() != kernel_before:
                failures.append("ipadm %s changed the kernel: %r -> %r"
                                % (" ".join(args), kernel_before, e.all_kernel_addrs()))
                kernel_before = e.all_kernel_addrs()
            if e.show_addr_rows() != show_before:
                failures.append("ipadm %s changed show-addr" % " ".join(args))
                show_before = e.show_addr_rows()
        check(not failures, "%d bad-input case(s) wrong:\n  " % len(failures)
              + "\n  ".join(failures))
        # Nothing bad reached the store.
        e.reboot()
        names = set(e.show_addr_map())
        eq(names, {"veth0/v4"}, "persistent objects after the bad inputs and a reboot")


def test_show_addr_filters_and_formats():
    with Env() as e:
        e.start_daemon()
        e.nsexec("ip", "link", "add", "vetha", "type", "veth", "peer", "name", "vethb",
                 check=True)
        create(e, "192.0.2.10/24", "veth0/v4")
        create(e, "2001:db8::10/64", "veth0/v6")
        create(e, "203.0.113.5/24", "vetha/x")
        e.wait_dad()
        # IF/ filter
        rows = e.show_addr_rows("veth0/")
        eq(sorted(r["addrobj"] for r in rows), ["veth0/v4", "veth0/v6"], "show-addr veth0/")
        rows = e.show_addr_rows("vetha/")
        eq([r["addrobj"] for r in rows], ["vetha/x"], "show-addr vetha/")
        # one object
        out = e.ipadm_ok("show-addr", "veth0/v4")
        hdr, rows = human_rows(out)
        eq(hdr, ["ADDROBJ", "TYPE", "STATE", "ADDR"], "header")
        eq(len(rows), 1, "rows of show-addr veth0/v4: %r" % out)
        eq([rows[0][0], rows[0][1], rows[0][3]], ["veth0/v4", "static", "192.0.2.10/24"], "row")
        # human column widths: ADDROBJ 18, TYPE 9, STATE 13
        line = out.splitlines()[1]
        eq(line[:18].rstrip(), "veth0/v4", "ADDROBJ column")
        eq(line[18:27].rstrip(), "static", "TYPE column")
        check(line[27:40].rstrip() in ("ok", "inaccessible", "tentative"), "STATE column")
        eq(line[40:].rstrip(), "192.0.2.10/24", "ADDR column")
        # parsable with ':' escaping
        out = e.ipadm_ok("show-addr", "-p", "-o", "addrobj,addr", "veth0/v6")
        eq(out, "veth0/v6:2001\\:db8\\:\\:10/64\n", "parsable IPv6 escaping")
        out = e.ipadm_ok("show-addr", "-p", "-o", "addr", "veth0/v6")
        eq(out, "2001:db8::10/64\n", "a single field is not escaped")
        out = e.ipadm_ok("show-addr", "-p", "-o", "ADDROBJ,Type", "veth0/")
        eq(sorted(out.splitlines()), ["veth0/v4:static", "veth0/v6:static"], "case-insensitive -o")
        out = e.ipadm_ok("show-addr", "-o", "all", "veth0/v4")
        hdr, rows = human_rows(out)
        eq(hdr, ["ADDROBJ", "TYPE", "STATE", "CURRENT", "PERSISTENT", "ADDR"], "-o all header")
        # JSON
        out = e.ipadm_ok("show-addr", "--json")
        doc = json.loads(out)
        check(isinstance(doc, list), "--json output is a list")
        by = {d["addrobj"]: d for d in doc}
        for n in ("veth0/v4", "veth0/v6", "vetha/x"):
            check(n in by, "%s missing from --json: %r" % (n, list(by)))
        eq(by["veth0/v4"]["addr"], "192.0.2.10/24", "json addr")
        eq(by["veth0/v4"]["type"], "static", "json type")
        out = e.ipadm_ok("show-addr", "--json", "veth0/v6")
        doc = json.loads(out)
        eq([d["addrobj"] for d in doc], ["veth0/v6"], "json of one object")
        doc = json.loads(e.ipadm_ok("show-if", "--json"))
        check(any(d.get("ifname") == "veth0" for d in doc), "show-if --json lists veth0")
        # an interface with no addresses
        e.ipadm_fail(["show-addr", "nosuch0/"], "Interface does not exist")
        # bare `ipadm` behaves as show-addr [2022+]
        rc, out, err = e.ipadm()
        eq(rc, 0, "bare ipadm (%s)" % err)
        check("veth0/v4" in out, "bare ipadm lists addresses")


def test_name_boundaries():
    with Env() as e:
        e.start_daemon()
        long_if = "abcdefghijklmno"  # 15 characters: the Linux maximum
        e.nsexec("ip", "link", "add", long_if, "type", "veth", "peer", "name", "lngpeer",
                 check=True)
        user31 = "a" + "b1" * 15  # 31 characters: the illumos maximum
        eq(len(user31), 31, "user part length")
        create(e, "192.0.2.10/24", "veth0/" + user31)
        create(e, "203.0.113.9/24", long_if + "/x")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel veth0")
        eq(e.kaddrs(long_if), {("203.0.113.9", 24)}, "kernel " + long_if)
        rows = e.show_addr_map()
        check("veth0/" + user31 in rows and long_if + "/x" in rows, "names: %r" % list(rows))
        # upper case and digits after the first letter are fine
        create(e, "192.0.2.11/24", "veth0/Ab9")
        check("veth0/Ab9" in e.show_addr_map(), "veth0/Ab9 missing")
        e.reboot()
        e.nsexec("ip", "link", "add", long_if, "type", "veth", "peer", "name", "lngpeer",
                 check=True)
        e.ipadm_ok("enable-if", "-t", "veth0")
        # the link appeared after the daemon started: enabled by itself
        # (hotplug, docs/linux-mapping.md), so enable-if finds it enabled
        wait_for(lambda: e.kaddrs(long_if) == {("203.0.113.9", 24)}, timeout=2,
                 what=long_if + " enabled when its link appeared")
        e.ipadm_fail(["enable-if", "-t", long_if], "Interface already exists")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("192.0.2.11", 24)}, "veth0 after reboot")
        eq(e.kaddrs(long_if), {("203.0.113.9", 24)}, long_if + " after reboot")


def test_root_from_env():
    with Env() as e:
        e.start_daemon()
        env = dict(os.environ, IPADM_ROOT=e.root)
        rc, out, err = e.nsexec(IPADM_PATH(), "create-addr", "-T", "static", "-a",
                                "192.0.2.10/24", "veth0/v4", env=env)
        eq(rc, 0, "create-addr with IPADM_ROOT (stderr %r)" % err)
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel")
        rc, out, err = e.nsexec(IPADM_PATH(), "show-addr", "-p", "-o", "addrobj", "veth0/",
                                env=env)
        eq((rc, out), (0, "veth0/v4\n"), "show-addr with IPADM_ROOT (stderr %r)" % err)
        # -R wins over the environment
        env["IPADM_ROOT"] = "/nonexistent-ipadm-root"
        rc, out, err = e.nsexec(IPADM_PATH(), "-R", e.root, "show-addr", "-p", "-o", "addrobj",
                                "veth0/", env=env)
        eq((rc, out), (0, "veth0/v4\n"), "-R overrides IPADM_ROOT (stderr %r)" % err)
        rc, out, err = e.nsexec(IPADM_PATH(), "show-addr", env=env)
        eq(rc, 1, "show-addr against a root without a daemon")


def test_concurrent_creates():
    """Two or more ipadm processes at once: the daemon serializes them, no
    name is given twice, every reply matches the kernel."""
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        n = 24
        procs = []
        for i in range(n):
            fam6 = i % 2 == 1
            addr = "2001:db8:3::%x/64" % (i + 1) if fam6 else "192.0.2.%d/24" % (100 + i)
            cmd = ["ip", "netns", "exec", e.ns, IPADM_PATH(), "-R", e.root, "create-addr"]
            if i % 3 == 0:
                cmd.append("-t")
            cmd += ["-T", "static", "-a", addr, "veth0/c%d" % i]
            procs.append((addr, subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, text=True)))
        # and the same name requested by several processes at once
        same = [subprocess.Popen(["ip", "netns", "exec", e.ns, IPADM_PATH(), "-R", e.root,
                                  "create-addr", "-T", "static", "-a", "198.51.100.%d/24" % k,
                                  "veth0/same"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for k in range(1, 5)]
        for addr, p in procs:
            out, err = p.communicate(timeout=60)
            eq(p.returncode, 0, "concurrent create-addr %s (stderr %r)" % (addr, err))
        rcs = []
        for p in same:
            out, err = p.communicate(timeout=60)
            rcs.append((p.returncode, err))
        winners = [r for r in rcs if r[0] == 0]
        eq(len(winners), 1, "exactly one create of veth0/same succeeds: %r" % rcs)
        for rc, err in rcs:
            if rc != 0:
                check("Address object already exists" in err, "loser message: %r" % err)
        got = e.kaddrs("veth0")
        want = {(a.split("/")[0], int(a.split("/")[1])) for a, _ in procs}
        check(want <= got, "missing from the kernel: %r" % (want - got))
        same_in_kernel = [a for a in got if a[0].startswith("198.51.100.")]
        eq(len(same_in_kernel), 1, "kernel addresses of veth0/same: %r" % same_in_kernel)
        rows = e.show_addr_map()
        for i in range(n):
            check("veth0/c%d" % i in rows, "veth0/c%d missing from show-addr" % i)
        eq(rows["veth0/same"]["addr"], "%s/%d" % same_in_kernel[0], "veth0/same ADDR")
        # every name maps to its own kernel address
        addrs = [r["addr"] for k, r in rows.items() if k.startswith("veth0/")]
        eq(len(addrs), len(set(addrs)), "duplicate ADDR among objects")


def test_dad_wait_does_not_block_others():
    """architecture.md, Concurrency: "A slow operation of one client (DHCP
    wait, DAD wait) never blocks others." An IPv6 create-addr waits up to 1 s
    for DAD; meanwhile a read and an unrelated write must be answered."""
    import time
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.settle()
        t0 = time.monotonic()
        slow = subprocess.Popen(["ip", "netns", "exec", e.ns, IPADM_PATH(), "-R", e.root,
                                 "create-addr", "-T", "static", "-a", "2001:db8::5/64",
                                 "veth0/v6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        # wait until the slow request is inside the daemon (address in the kernel)
        wait_for(lambda: e.kaddr("2001:db8::5") is not None, timeout=5,
                 what="2001:db8::5 in the kernel")
        t1 = time.monotonic()
        rc, _, err = e.ipadm("show-addr")
        t_read = time.monotonic() - t1
        eq(rc, 0, "show-addr during the DAD wait (%s)" % err)
        t2 = time.monotonic()
        # -d: an IPv4 address going up waits for its own ARP probes (0.55 s).
        rc, _, err = e.ipadm("create-addr", "-T", "static", "-d", "-a", "192.0.2.5/24",
                             "veth0/v4")
        t_write = time.monotonic() - t2
        eq(rc, 0, "create-addr during the DAD wait (%s)" % err)
        out, err = slow.communicate(timeout=30)
        t_slow = time.monotonic() - t0
        eq(slow.returncode, 0, "IPv6 create-addr (%s)" % err)
        check(t_slow >= 0.6, "the IPv6 create-addr took only %.2fs: no DAD wait to overlap "
              "with, test inconclusive" % t_slow)
        check(t_read < 0.4 and t_write < 0.4,
              "other clients blocked behind a DAD wait: show-addr took %.2fs, "
              "create-addr %.2fs (IPv6 create-addr %.2fs)" % (t_read, t_write, t_slow))


if __name__ == "__main__":
    main([
        test_static_v4,
        test_static_v6,
        test_default_prefix,
        test_point_to_point,
        test_temporary,
        test_down,
        test_delete_addr,
        test_ping_peer,
        test_unmanaged_addresses,
        test_bad_inputs,
        test_show_addr_filters_and_formats,
        test_name_boundaries,
        test_root_from_env,
        test_concurrent_creates,
        test_dad_wait_does_not_block_others,
    ])
