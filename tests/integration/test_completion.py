#!/usr/bin/env python3
"""Bash completion of ipadm (packaging/bash-completion/ipadm), driven by bash
itself: the script is sourced in `bash -c`, `complete -p ipadm` must name
its function, and COMP_WORDS/COMP_CWORD are set as bash sets them before
_ipadm runs; COMPREPLY is the result.

- subcommands are exactly the first words of `ipadm help` (the command
  table), each accepted by `ipadm help NAME`;
- options and literal option values come from the usage lines;
- interface names, address objects, protocols and property names come from
  the running ipmgmtd of the namespace (-R ROOT), compared with what the
  kernel (`ip -j`) and show-* report; foreign addresses (IF/?) are never
  offered; uncreated links come from /sys/class/net (create-if).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, REPO, Env, check, eq, main  # noqa: E402

SCRIPT = os.path.join(REPO, "packaging", "bash-completion", "ipadm")


def complete(e, *words):
    """COMPREPLY for the command line `ipadm -R ROOT words...` with the
    cursor in the last word (pass "" to complete an empty word)."""
    line = [IPADM, "-R", e.root] + list(words)
    script = (
        'source "$1"; shift\n'
        'complete -p ipadm | grep -q -- "-F _ipadm ipadm" || { echo NOT-REGISTERED; exit 3; }\n'
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))\n'
        'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
        '_ipadm\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n')
    rc, out, err = e.nsexec("bash", "-c", script, "complete", SCRIPT, *line)
    eq(rc, 0, "bash completion of %r: %s %s" % (words, out, err))
    return sorted(set(w for w in out.split("\n") if w))


def help_subcommands(e):
    rc, out, _ = e.ipadm("help")
    eq(rc, 0, "ipadm help")
    return sorted({ln.split()[0] for ln in out.splitlines()[1:]
                   if ln.startswith("\t") and not ln.startswith("\t\t")})


def test_subcommands_and_options():
    with Env() as e:
        e.start_daemon()
        subs = help_subcommands(e)
        check("wait-online" in subs and "create-addr" in subs, "help lists: %r" % subs)
        eq(complete(e, ""), subs, "every subcommand of the table")
        for s in subs:
            e.ipadm_ok("help", s)
        eq(complete(e, "cre"), ["create-addr", "create-if", "create-ip", "create-route"], "prefix")
        eq(complete(e, "wait-online", "-"), ["-t"], "wait-online options")
        opts = complete(e, "create-addr", "-")
        for o in ("-t", "-T", "-d", "-a", "-w", "-1", "-h", "-i", "-p"):
            check(o in opts, "create-addr option %s offered: %r" % (o, opts))
        check("--json" in complete(e, "show-addr", "-"), "show-addr --json")
        eq(complete(e, "create-addr", "-T", ""), ["addrconf", "dhcp", "static"], "-T values")
        eq(complete(e, "export", "-f", ""), ["illumos", "json"], "-f values")
        eq(complete(e, "help", "show-a"), ["show-addr", "show-addrprop"], "help operand")


def test_names_from_the_daemon():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
        # A foreign address (veth0/? in show-addr) is never offered.
        e.nsexec("ip", "addr", "add", "198.51.100.9/24", "dev", "veth0", check=True)
        ifs = sorted(e.ipadm_ok("show-if", "-p", "-o", "ifname").split())
        check("veth0" in ifs, "show-if: %r" % ifs)
        eq(complete(e, "delete-if", ""), ifs, "the interfaces of show-if")
        eq(complete(e, "enable-if", "-t", "v"), ["veth0"], "after an option")
        links = sorted(l["ifname"] for l in e.ip_j("link", "show"))
        eq(complete(e, "create-if", ""), links, "links of the kernel (%r)" % links)
        eq(complete(e, "delete-addr", ""), ["veth0/v4", "veth0/v6"], "address objects")
        eq(complete(e, "up-addr", "-t", "veth0/v"), ["veth0/v4", "veth0/v6"], "prefix")
        eq(complete(e, "show-addr", "v"), ["veth0/", "veth0/v4", "veth0/v6"], "show-addr operand")
        check("veth0/" in complete(e, "create-addr", "-T", "static", "-a", "192.0.2.11/24", ""),
              "create-addr offers INTERFACE/")
        eq(complete(e, "wait-online", "-t", "5", "v"), ["veth0", "veth0/v4", "veth0/v6"],
           "wait-online operands")
        # Protocols and property names: those the daemon shows.
        rc, out, _ = e.ipadm("show-prop", "-c", "-o", "proto")
        protos = sorted(set(out.split()))
        check({"ipv4", "ipv6", "tcp"} <= set(protos), "show-prop protocols: %r" % protos)
        eq(complete(e, "set-ifprop", "-p", "mtu", "-m", ""), protos, "-m protocols")
        eq(complete(e, "show-prop", ""), protos, "show-prop operand")
        rc, out, _ = e.ipadm("show-prop", "-c", "-o", "property", "tcp")
        tcp_props = sorted(set(out.split()))
        eq(complete(e, "reset-prop", "-m", "tcp", "-p", ""), tcp_props, "tcp property names")
        ifprops = complete(e, "set-ifprop", "-m", "ipv4", "-p", "")
        check("mtu" in ifprops and "forwarding" in ifprops, "interface properties: %r" % ifprops)
        addrprops = complete(e, "set-addrprop", "-p", "")
        check("prefixlen" in addrprops and "deprecated" in addrprops,
              "address properties: %r" % addrprops)
        check("ttl" in complete(e, "set-prop", "-p", "t"), "protocol property ttl")


if __name__ == "__main__":
    main([test_subcommands_and_options, test_names_from_the_daemon])
