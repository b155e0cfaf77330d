#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/seed-* (committed).

Run from anywhere as root (the rtnl seeds are real kernel messages, dumped
in a private network namespace made by `unshare -n`, with a veth pair and
addresses; the host's interfaces are never touched). Needs protoc. Files
that the fuzzers found (crash-*, regression inputs) are kept; only seed-*
files are rewritten.
"""
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# ---- illumos ipadm.conf ----
def illumos():
    for v in ("v0", "v1"):
        with open(os.path.join(REPO, "tests", "fixtures", "ipadm-%s.conf" % v), "rb") as f:
            write("illumos_conf", "fixture-" + v, f.read())
    write("illumos_conf", "families2021", "_ifname=net0;_families=2,26;_ifclass=0;\n")
    write("illumos_conf", "addrconf",
          "# ipadm.conf version=1\n_ifname=net0;_family=26;\n"
          "_ifname=net0;_aobjname=net0/v6;_intfid=::1:2:3:4/64,yes,no;up=no;\n")
    write("illumos_conf", "ifprops",
          "_ifname=net0;_family=2;\r\n_protocol=ipv4;_ifname=net0;mtu=1400;\n"
          "_protocol=ipv6;_ifname=net0;__accept_ra=1;\n  # comment\n\t\n")
    write("illumos_conf", "malformed", "_ifname=net0;_family=2\n_ifname=;=;;\n")


# ---- JSON import ----
def json_seeds():
    write("conf_json", "full", """{
  "format": "ipadm-linux",
  "version": 1,
  "interfaces": [
    {"ifname": "net0", "ipv4": true, "ipv6": true},
    {"ifname": "net1", "ipv4": true, "ipv6": false}
  ],
  "addresses": [
    {"aobjname": "net0/v4", "ifname": "net0", "family": 4, "type": "static",
     "local": "192.0.2.5", "prefixlen": 24, "up": true},
    {"aobjname": "net0/p2p", "family": 4, "type": "static",
     "local": "10.1.1.1", "remote": "10.1.1.2", "prefixlen": null, "up": false},
    {"aobjname": "net0/v6", "family": 6, "type": "addrconf",
     "extra": "::1:2:3:4/64,yes,yes"},
    {"aobjname": "net1/dhcp", "family": 4, "type": "dhcp", "extra": "-1,yes"}
  ],
  "properties": [
    {"protocol": "ipv4", "ifname": "net0", "name": "mtu", "value": "1400"},
    {"aobjname": "net0/v4", "name": "deprecated", "value": "on"},
    {"protocol": "tcp", "name": "smallest_anon_port", "value": "40000"}
  ]
}
""")
    write("conf_json", "minimal", '{"format": "ipadm-linux", "version": 1}\n')
    write("conf_json", "unknown-keys",
          '{"format":"ipadm-linux","version":1,"x":[1,2,{"y":null}],'
          '"interfaces":[{"ifname":"net0","ipv6":true,"z":"\\u00e9"}]}')
    write("conf_json", "newer", '{"format":"ipadm-linux","version":2}')
    write("conf_json", "deep", '{"format":"ipadm-linux","version":1,"a":[[[[[[[[[[1]]]]]]]]]]}')


# ---- rtnetlink: real kernel messages ----
NLMSG_HDR = struct.Struct("=IHHII")
RTM_GETLINK, RTM_GETADDR = 18, 22
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3


def nl_dump(sock, mtype, fixed, seq):
    msg = NLMSG_HDR.pack(NLMSG_HDR.size + len(fixed), mtype, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
    sock.send(msg + fixed)
    dgrams = []
    while True:
        d = sock.recv(65536)
        dgrams.append(d)
        off, done = 0, False
        while off + 16 <= len(d):
            ln, ty = struct.unpack_from("=IH", d, off)
            if ty in (NLMSG_DONE, NLMSG_ERROR):
                done = True
            off += (ln + 3) & ~3
        if done:
            return dgrams


def split_msgs(d):
    off = 0
    while off + 16 <= len(d):
        ln = struct.unpack_from("=I", d, off)[0]
        yield d[off:off + ln]
        off += (ln + 3) & ~3


def rtnl_in_netns():
    """Runs inside `unshare -n`: prints seeds as hex lines NAME HEX."""
    cmds = [
        "ip link add net0 type veth peer name net1",
        "ip link set net0 mtu 1400 up", "ip link set net1 up",
        "ip link add br0 type bridge",
        "ip addr add 192.0.2.5/24 dev net0",
        "ip addr add 10.1.1.1 peer 10.1.1.2/32 dev net0",
        "ip addr add 2001:db8::5/64 dev net0 nodad valid_lft 3600 preferred_lft 1800",
        "ip link set lo up",
    ]
    for c in cmds:
        subprocess.run(c.split(), check=True)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.setsockopt(270, 11, 1)  # SOL_NETLINK, NETLINK_EXT_ACK
    s.bind((0, 0))
    out = []
    for i, d in enumerate(nl_dump(s, RTM_GETLINK, struct.pack("=BxHiII", 0, 0, 0, 0, 0), 1)):
        out.append(("link-dump-%d" % i, b"\x00" + d))
        for j, m in enumerate(split_msgs(d)):
            ty = struct.unpack_from("=H", m, 4)[0]
            if ty == 16:  # RTM_NEWLINK: shape 1 = body only
                out.append(("link-%d-%d" % (i, j), b"\x01" + m[16:]))
    for i, d in enumerate(nl_dump(s, RTM_GETADDR, struct.pack("=BBBBI", 0, 0, 0, 0, 0), 2)):
        out.append(("addr-dump-%d" % i, b"\x00" + d))
        for j, m in enumerate(split_msgs(d)):
            ty = struct.unpack_from("=H", m, 4)[0]
            if ty == 20:  # RTM_NEWADDR
                out.append(("addr-%d-%d" % (i, j), b"\x02" + m[16:]))
    # An error with an extended ack: RTM_GETLINK of a missing name.
    name = b"nosuch0\x00"
    attr = struct.pack("=HH", 4 + len(name), 3) + name  # IFLA_IFNAME
    body = struct.pack("=BxHiII", 0, 0, 0, 0, 0) + attr
    s.send(NLMSG_HDR.pack(16 + len(body), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, 0) + body)
    d = s.recv(65536)
    out.append(("error-dgram", b"\x00" + d))
    out.append(("error-body", b"\x03" + d[16:]))
    for n, b in out:
        print(n, b.hex())


def rtnl():
    r = subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), "--netns"],
                       check=True, capture_output=True, text=True)
    for line in r.stdout.split("\n"):
        if line:
            n, h = line.split()
            write("rtnl", n, bytes.fromhex(h))


# ---- DHCP hook messages ----
def dhcp():
    def msg(event, **kv):
        return "ipmgmt-dhcp 1\nevent=%s\n" % event + "".join("%s=%s\n" % i for i in kv.items())
    write("dhcp_hook", "bound", msg("bound", interface="net0", ip="192.0.2.50", mask="24",
                                    router="192.0.2.1 192.0.2.2", dns="192.0.2.53",
                                    domain="example.com", serverid="192.0.2.1", lease="3600",
                                    broadcast="192.0.2.255"))
    write("dhcp_hook", "renew-subnet", msg("renew", interface="net0", ip="10.0.0.9",
                                           subnet="255.255.0.0", lease="60"))
    write("dhcp_hook", "deconfig", msg("deconfig", interface="net0"))
    write("dhcp_hook", "leasefail", msg("leasefail", interface="net0"))
    write("dhcp_hook", "bound6", msg("bound6", interface="net0", new_ip6_address="2001:db8::77",
                                     new_ip6_prefixlen="128", new_max_life="7200",
                                     new_preferred_life="3600", new_life_starts="1699999000",
                                     new_dhcp6_name_servers="2001:db8::53 2001:db8::54",
                                     new_dhcp6_domain_search="example.com corp.example."))
    write("dhcp_hook", "expire6", msg("expire6", interface="net0",
                                      old_ip6_address="2001:db8::77", old_ip6_prefixlen="128"))
    write("dhcp_hook", "preinit6", msg("preinit6", interface="net0"))


# ---- CLI ----
def cli():
    cmds = {
        "create-if": ["create-if", "-t", "net0"],
        "create-addr-static": ["create-addr", "-T", "static", "-a",
                               "local=192.0.2.1/24,remote=192.0.2.2", "net0/v4"],
        "create-addr-dhcp": ["create-addr", "-T", "dhcp", "-w", "forever", "-1", "-h",
                             "web01", "net0/dhcp"],
        "create-addr-addrconf": ["create-addr", "-T", "addrconf", "-i", "::1:2:3:4/64", "-p",
                                 "stateless=yes,stateful=no", "net0/v6"],
        "show-addr": ["show-addr", "-p", "-o", "addrobj,type,state,addr", "net0/"],
        "show-addr-json": ["show-addr", "--json"],
        "show-if": ["show-if", "-o", "all"],
        "set-prop": ["set-prop", "-p", "extra_priv_ports+=3001", "tcp"],
        "set-ifprop": ["set-ifprop", "-t", "-p", "mtu=1400", "-m", "ipv4", "net0"],
        "reset-addrprop": ["reset-addrprop", "-p", "deprecated", "net0/v4"],
        "show-ifprop": ["show-ifprop", "-c", "-o", "ifname,property,current", "-p",
                        "mtu,forwarding", "-m", "ipv6"],
        "show-prop": ["show-prop", "--json", "-p", "smallest_anon_port", "tcp"],
        "delete-addr": ["delete-addr", "-r", "net0/dhcp"],
        "export": ["export", "-f", "json"],
        "bad-option": ["up-addr", "-x", "--nosuch", "net0/v4"],
        "help": ["help"],
    }
    for n, args in cmds.items():
        write("cli", n, "\0".join(args))


# ---- RPC requests (protoc --encode of text-format requests) ----
def rpc():
    proto = os.path.join(REPO, "proto")

    def enc(text):
        return subprocess.run(["protoc", "-I", proto, "--encode=ipadm.rpc.Request",
                               os.path.join(proto, "ipmgmt.proto")],
                              input=text.encode(), check=True, capture_output=True).stdout

    def frame(*texts):
        out = b""
        for i, t in enumerate(texts):
            b = enc("id: %d %s" % (i + 1, t))
            out += struct.pack("<H", len(b)) + b
        return out

    ci = 'create_if { ifname: "net0" }'
    write("rpc_dispatch", "static", frame(
        ci, 'create_addr { aobjname: "net0/v4" type: "static" local: "192.0.2.1/24" }',
        'create_addr { aobjname: "net0/v6" type: "static" local: "2001:db8::1/64" down: true }',
        'show_addr {}', 'show_if {}', 'export_conf { format: "illumos" }'))
    write("rpc_dispatch", "p2p-temp", frame(
        'create_if { ifname: "net1" temporary: true }',
        'create_addr { aobjname: "net1/p" type: "static" local: "10.0.0.1" remote: "10.0.0.2" temporary: true }',
        'down_addr { aobjname: "net1/p" temporary: true }',
        'up_addr { aobjname: "net1/p" temporary: true }',
        'disable_addr { aobjname: "net1/p" temporary: true }',
        'enable_addr { aobjname: "net1/p" temporary: true }',
        'delete_addr { aobjname: "net1/p" }', 'delete_if { ifname: "net1" }'))
    write("rpc_dispatch", "dhcp", frame(
        ci, 'create_addr { aobjname: "net0/d" type: "dhcp" wait: "5" primary: true reqhost: "web01" }',
        'refresh_addr { aobjname: "net0/d" }', 'show_addr { ifname: "net0" }',
        'delete_addr { aobjname: "net0/d" release: true }'))
    write("rpc_dispatch", "addrconf", frame(
        ci, 'create_addr { aobjname: "net0/v6" type: "addrconf" interface_id: "::1:2:3:4/64" policy: "stateless=yes,stateful=yes" }',
        'show_addr {}', 'export_conf { format: "json" }'))
    write("rpc_dispatch", "props", frame(
        ci, 'create_addr { aobjname: "net0/v4" type: "static" local: "192.0.2.1/24" }',
        'set_prop { object_kind: "proto" object: "tcp" name: "smallest_anon_port" value: "40000" }',
        'set_prop { object_kind: "proto" object: "tcp" name: "extra_priv_ports" value: "3001" op: 1 }',
        'set_prop { object_kind: "if" object: "net0" protocol: "ipv4" name: "mtu" value: "1400" }',
        'set_prop { object_kind: "addr" object: "net0/v4" name: "deprecated" value: "on" }',
        'set_prop { object_kind: "if" object: "net0" protocol: "ipv6" name: "forwarding" reset: true }',
        'show_prop { object_kind: "if" object: "net0" }', 'show_prop { object_kind: "proto" names: "ttl" }',
        'show_prop { object_kind: "addr" }'))
    with open(os.path.join(REPO, "tests", "fixtures", "ipadm-v1.conf")) as f:
        conf = f.read()
    write("rpc_dispatch", "import", frame(
        'import_conf { text: %s }' % ('"' + conf.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'),
        'restore {}', 'show_if {}', 'export_conf { format: "json" }'))
    write("rpc_dispatch", "disable-if", frame(
        ci, 'create_addr { aobjname: "net0/v4" type: "static" local: "192.0.2.1/24" }',
        'disable_if { ifname: "net0" }', 'enable_if { ifname: "net0" }', 'show_if { ifname: "net0" }'))


if __name__ == "__main__":
    if sys.argv[1:] == ["--netns"]:
        rtnl_in_netns()
        sys.exit(0)
    illumos()
    json_seeds()
    rtnl()
    dhcp()
    cli()
    rpc()
