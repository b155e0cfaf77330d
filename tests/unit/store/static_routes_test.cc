// Routes in the configuration formats: illumos static_routes (import),
// ipadm.conf _route lines and JSON "routes" (export and import).
#include "store/static_routes.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include "store/conf_import.h"
#include "store/conf_json.h"
#include "store/illumos_conf.h"

namespace ipadm::store {
namespace {

TEST(StaticRoutes, ParsesTheRouteDashPForms) {
  std::vector<std::string> w;
  auto s = parse_static_routes(
      "# route -p\n"
      "-inet default 192.0.2.1\n"
      "-inet6 default fe80::1 -ifp net0\n"
      "-inet 203.0.113.0/24 192.0.2.254\n"
      "-inet -net 10.0.0.0 -netmask 255.0.0.0 192.0.2.1\n"
      "-inet -host 198.51.100.7 192.0.2.1\n"
      "-inet 10.1.0.0 -interface 192.0.2.10\n"
      "-inet -net 172.16.0.0 192.0.2.1\n",
      &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  ASSERT_EQ(s->routes.size(), 5u);
  EXPECT_EQ(s->routes[0], (RouteRecord{AF_INET, "default", "192.0.2.1", "", 0}));
  EXPECT_EQ(s->routes[1], (RouteRecord{AF_INET6, "default", "fe80::1", "net0", 1024}));
  EXPECT_EQ(s->routes[2], (RouteRecord{AF_INET, "203.0.113.0/24", "192.0.2.254", "", 0}));
  EXPECT_EQ(s->routes[3].destination, "10.0.0.0/8");
  EXPECT_EQ(s->routes[4].destination, "198.51.100.7/32");
  EXPECT_EQ(s->route_lines, (std::vector<size_t>{2, 3, 4, 5, 6}));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "line 7: option -interface is not supported; not imported");
  EXPECT_NE(w[1].find("line 8: "), std::string::npos);
  EXPECT_EQ(conf_format_of("# comment\n-inet default 192.0.2.1\n"), ConfFormat::StaticRoutes);
  EXPECT_EQ(conf_format_of("_ifname=net0;_family=2;\n"), ConfFormat::Illumos);
}

TEST(StaticRoutes, FamilyOptionMustMatch) {
  auto s = parse_static_routes("-inet6 default 192.0.2.1\n", nullptr);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::InvalidArg);
  EXPECT_NE(s.status().detail().find("line 1"), std::string::npos);
}

ConfSnapshot with_routes() {
  ConfSnapshot s;
  s.ifs.push_back({"net0", true, true});
  s.routes.push_back({AF_INET, "default", "192.0.2.1", "", 0});
  s.routes.push_back({AF_INET6, "default", "fe80::1", "net0", 1024});
  s.routes.push_back({AF_INET, "198.51.100.0/24", "", "net0", 7});
  return s;
}

TEST(ConfRoutes, IllumosRoundTrip) {
  ConfSnapshot s = with_routes();
  ASSERT_TRUE(check_illumos_conf(s).is_ok());
  std::string text = format_illumos_conf(s);
  EXPECT_NE(text.find("_route=default,192.0.2.1,,0;\n"), std::string::npos) << text;
  EXPECT_NE(text.find("_route=198.51.100.0/24,,net0,7;\n"), std::string::npos) << text;
  std::vector<std::string> w;
  auto back = parse_illumos_conf(text, &w);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_TRUE(w.empty());
  EXPECT_TRUE(*back == s);
  auto bad = parse_illumos_conf("_route=default,192.0.2.1,net0;\n", nullptr);
  EXPECT_FALSE(bad.is_ok());
}

TEST(ConfRoutes, JsonRoundTrip) {
  ConfSnapshot s = with_routes();
  std::string text = format_conf_json(s);
  std::vector<std::string> w;
  auto back = parse_conf_json(text, &w);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_TRUE(w.empty());
  EXPECT_TRUE(*back == s);
  EXPECT_EQ(format_conf_json(ConfSnapshot{}).find("routes"), std::string::npos);
}

TEST(ConfRoutes, DuplicateKeyRefused) {
  ConfSnapshot s = with_routes();
  s.routes.push_back({AF_INET, "default", "192.0.2.9", "", 0});
  EXPECT_EQ(validate_snapshot(s).code(), Errc::InvalidArg);
}

}  // namespace
}  // namespace ipadm::store
