// create-route, delete-route, show-route: options to requests, output.
#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

rpc::RouteInfo route(const std::string& dst, const std::string& gw, const std::string& ifname,
                     uint32_t metric, const std::string& type, const std::string& persistent) {
  rpc::RouteInfo r;
  r.set_destination(dst);
  r.set_gateway(gw);
  r.set_ifname(ifname);
  r.set_metric(metric);
  r.set_type(type);
  r.set_state("ok");
  r.set_persistent(persistent);
  r.set_family(gw.find(':') == std::string::npos ? 4 : 6);
  return r;
}

TEST_F(CliTest, CreateRouteShapesTheRequest) {
  EXPECT_EQ(run({"create-route", "-t", "-m", "10", "-i", "net0", "-g", "192.0.2.1", "default"}),
            0);
  const auto& c = fake.last_create_route;
  EXPECT_EQ(c.destination(), "default");
  EXPECT_EQ(c.gateway(), "192.0.2.1");
  EXPECT_EQ(c.ifname(), "net0");
  EXPECT_EQ(c.metric(), "10");  // the daemon checks it
  EXPECT_TRUE(c.temporary());
  EXPECT_EQ(run({"create-route", "-i", "net0", "203.0.113.0/24"}), 0);
  EXPECT_FALSE(fake.last_create_route.temporary());
  EXPECT_EQ(fake.last_create_route.gateway(), "");
  EXPECT_EQ(run({"create-route", "-g", "192.0.2.1"}), 1);  // no destination
  EXPECT_NE(err.find("usage: create-route"), std::string::npos) << err;
}

TEST_F(CliTest, RouteErrorsInIllumosWords) {
  fake.status = Status(Errc::BadAddr, "gateway 198.51.100.1 is not reachable");
  EXPECT_EQ(run({"create-route", "-g", "198.51.100.1", "default"}), 1);
  EXPECT_EQ(err, "ipadm: Could not create route default: Invalid address\n"
                 "ipadm: detail: gateway 198.51.100.1 is not reachable\n");
  fake.status = Status(Errc::NotFound);
  EXPECT_EQ(run({"delete-route", "-g", "192.0.2.1", "203.0.113.0/24"}), 1);
  EXPECT_EQ(err, "ipadm: Could not delete route 203.0.113.0/24: Object not found\n");
  EXPECT_EQ(fake.last_delete_route.gateway(), "192.0.2.1");
}

TEST_F(CliTest, ShowRouteParsableEscapesColons) {
  *fake.route_reply.add_routes() = route("default", "192.0.2.1", "net0", 0, "static", "yes");
  *fake.route_reply.add_routes() = route("default", "2001:db8::1", "net0", 1024, "dhcp", "");
  EXPECT_EQ(run({"show-route", "-p", "-o", "destination,gateway"}), 0);
  EXPECT_EQ(out, "default:192.0.2.1\ndefault:2001\\:db8\\:\\:1\n");
  EXPECT_EQ(run({"show-route", "-p", "-o", "gateway"}), 0);
  EXPECT_EQ(out, "192.0.2.1\n2001:db8::1\n");
  EXPECT_EQ(run({"show-route", "net0"}), 0);
  EXPECT_EQ(fake.calls.back(), "show_route net0");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "DESTINATION         GATEWAY                   INTERFACE  METRIC  TYPE    STATE    "
            "PERSISTENT");
  EXPECT_NE(out.find("dhcp    ok       --"), std::string::npos) << out;
  EXPECT_EQ(run({"show-route", "--json", "-o", "destination,metric"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out),
            nlohmann::json::parse(R"([{"destination":"default","metric":0},
                                      {"destination":"default","metric":1024}])"));
}

}  // namespace
}  // namespace ipadm::cli::test
