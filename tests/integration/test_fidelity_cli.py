#!/usr/bin/env python3
"""illumos fidelity of the CLI against the real daemon (issue 10): show-if
STATE/CLASS/OVER and the loopback's letters (item 3), error lines word for
word as illumos ipadm.c prints them (item 7), per-subcommand help (item 8)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, run, wait_for  # noqa: E402


def first_line(err):
    return err.splitlines()[0] if err else ""


def test_show_if_state_class_over():
    with Env() as e:
        e.start_daemon()
        e.nsexec("ip", "link", "set", "lo", "up", check=True)
        e.ipadm_ok("create-if", "veth0")
        e.wait_running("veth0")
        # a plumbed interface with no address up is "down" (illumos IFIS_DOWN)
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "down",
                 what="veth0 down without addresses")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "ok",
                 what="veth0 ok with an address")
        eq(e.ipadm_ok("show-if", "-p", "-o", "ifname,class,over", "veth0"), "veth0:ip:\n",
           "show-if -p -o ifname,class,over")
        eq(e.ipadm_ok("show-if", "-p", "-o", "class", "lo"), "loopback\n", "lo CLASS")
        eq(e.ipadm_ok("show-if", "-p", "-o", "current", "lo"), "-m-v------46\n",
           "lo CURRENT as illumos prints lo0")
        doc = json.loads(e.ipadm_ok("show-if", "--json", "-o", "ifname,class,over"))
        check({"ifname": "veth0", "class": "ip", "over": ""} in doc, "--json: %r" % doc)
        out = e.ipadm_ok("show-if", "-o", "all", "veth0").splitlines()
        eq(out[0].split(), ["IFNAME", "CLASS", "STATE", "CURRENT", "PERSISTENT", "OVER"],
           "-o all header")
        eq(out[1].split(), ["veth0", "ip", "ok", "bm--------46", "-46", "--"], "-o all row")
        # the peer goes away: the link is no longer running -> failed
        e.nsexec("ip", "link", "set", "veth1", "down", ns=e.peer, check=True)
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "failed",
                 what="veth0 failed when the link is not running")
        e.nsexec("ip", "link", "set", "veth1", "up", ns=e.peer, check=True)
        e.ipadm_ok("disable-if", "-t", "veth0")
        eq(e.show_if_map()["veth0"]["state"], "disabled", "disable-if -t")
        eq(e.ipadm_ok("show-if", "-p", "-o", "class,state", "veth0"), "ip:disabled\n",
           "CLASS of a disabled interface")


# (args, illumos's first line of stderr) -- ipadm.c's words, checked exactly.
ERRORS = [
    (["create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0"],
     "ipadm: invalid address object name: veth0"),
    (["create-addr", "-a", "192.0.2.20/24", "veth0/v4"], "ipadm: Invalid arguments"),
    (["create-addr", "-T", "static", "veth0/v4"], "ipadm: Invalid arguments for type static"),
    (["set-prop", "-p", "ttl", "ipv4"], "ipadm: please specify the value to be set."),
    (["set-prop", "-p", "ttl=", "ipv4"], "ipadm: please specify the value to be set."),
    (["set-prop", "-p", "=on", "ipv4"], "ipadm: Invalid prop=val specified"),
    (["reset-prop", "-p", "ttl=1", "ipv4"], "ipadm: incorrect syntax used for -p."),
    (["delete-addr", "veth0/nosuch"], "ipadm: could not delete address: Object not found"),
    (["enable-addr", "-t", "veth0/nosuch"], "ipadm: could not enable address: Object not found"),
    (["disable-addr", "-t", "veth0/nosuch"],
     "ipadm: could not disable address: Object not found"),
    (["refresh-addr", "veth0/nosuch"], "ipadm: could not refresh address Object not found"),
    (["delete-addr", "veth0"], "ipadm: could not delete address: Object not found"),
    (["down-addr", "veth0"], "ipadm: Could not mark the address down: Object not found"),
    (["set-addrprop", "-p", "deprecated=on", "veth0"],
     "ipadm: set-addrprop: deprecated: Object not found"),
    (["show-ifprop", "nosuch0"], "ipadm: no such object 'nosuch0': Interface does not exist"),
    (["show-addrprop", "veth0"], "ipadm: invalid addrobj name provided"),
    (["create-if", "nosuch0"], "ipadm: Could not create nosuch0 : Interface does not exist"),
    (["delete-if", "nosuch0"], "ipadm: Could not delete nosuch0: Interface does not exist"),
]


def test_error_lines_are_illumos():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        for args, want in ERRORS:
            rc, out, err = e.ipadm(*args)
            eq(rc, 1, "ipadm %s: exit status (stderr %r)" % (" ".join(args), err))
            eq(first_line(err), want, "ipadm %s: first line" % " ".join(args))
            eq(out, "", "ipadm %s: nothing on stdout" % " ".join(args))
        # the detail of the daemon follows on a line of its own
        rc, out, err = e.ipadm("set-prop", "-p", "hostmodel=strong", "ipv6")
        eq(rc, 1, "set-prop hostmodel=strong ipv6 (%r)" % err)
        lines = err.splitlines()
        eq(lines[0], "ipadm: set-prop: hostmodel: Operation not supported", "first line")
        check(len(lines) == 2 and lines[1].startswith("ipadm: detail: "),
              "detail on the second line: %r" % err)


def test_help_per_subcommand():
    with Env() as e:
        header = "usage:  ipadm <subcommand> <args> ...\n"
        for sub in ("show-if", "create-addr", "set-prop", "show-addrprop"):
            rc, out, err = e.ipadm("help", sub)
            eq((rc, err), (0, ""), "help %s" % sub)
            check(out.startswith(header + "\t" + sub + " "), "help %s: %r" % (sub, out))
            rc2, out2, err2 = e.ipadm(sub, "--help")
            eq((rc2, out2, err2), (0, out, ""), "%s --help" % sub)
        rc, out, err = e.ipadm("help")
        eq(rc, 0, "help")
        check(out.count("\n") > 20, "help: the whole usage")
        rc, out, err = e.ipadm("help", "frobnicate")
        eq(rc, 1, "help of an unknown subcommand")
        eq(first_line(err), "ipadm: unknown subcommand 'frobnicate'", "its message")
        check(err.count("\n") > 20, "followed by the whole usage")
        # no daemon was needed for any of this
        check(not os.path.exists(e.sock), "help started or needed no daemon")


def test_formatting():
    with Env() as e:
        e.start_daemon()
        # illumos order: ip (v4/v6 mixed), icmp, tcp, udp, sctp
        out = e.ipadm_ok("show-prop", "-c", "-o", "proto,property")
        got = [l for l in out.splitlines() if l]
        eq(got[:7], ["ipv4:forwarding", "ipv4:ttl", "ipv6:forwarding", "ipv6:hoplimit",
                     "ipv6:hostmodel", "ipv4:hostmodel", "icmp:max_buf"], "show-prop order")
        eq([l.split(":")[0] for l in got[6:]],
           ["icmp"] * 3 + ["tcp"] * 10 + ["udp"] * 7 + ["sctp"] * 7, "protocol order")
        # a long comma list wraps in its column (OFMT_WRAP)
        for p in (5001, 5002, 5003, 5004):
            e.ipadm_ok("set-prop", "-t", "-p", "extra_priv_ports+=%d" % p, "tcp")
        lines = e.ipadm_ok("show-prop", "-p", "extra_priv_ports", "tcp").splitlines()
        eq(len(lines), 3, "header, row, continuation: %r" % lines)
        col = lines[0].index("CURRENT")
        eq(lines[1][col:].split()[0], "5001,5002,", "first line of CURRENT")
        eq(lines[2][:col].strip(), "", "continuation: the other columns blank")
        eq(lines[2][col:].split()[0], "5003,5004", "second line of CURRENT")
        # show-addrprop: Linux-only names keep the columns aligned
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        lines = e.ipadm_ok("show-addrprop", "-o", "property,perm,default",
                           "veth0/v4").splitlines()
        col = lines[0].index("PERM")
        for l in lines[1:]:
            check(l[col:col + 2] in ("rw", "r-"), "PERM column aligned: %r" % lines)
        # a disabled address: CURRENT as illumos prints it
        e.ipadm_ok("disable-addr", "-t", "veth0/v4")
        eq(e.show_addr_map()["veth0/v4"]["current"], "-----", "disabled CURRENT")
        e.reboot()
        eq(e.show_addr_map()["veth0/v4"]["current"], "-----", "disabled after reboot")


if __name__ == "__main__":
    main([
        test_show_if_state_class_over,
        test_formatting,
        test_error_lines_are_illumos,
        test_help_per_subcommand,
    ])
