// SdBusResolved: the ResolvedBus of resolved_sink.h over sd-bus.
#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include <cstring>

#include "dns/resolved_sink.h"

namespace ipadm::dns {

namespace {

constexpr const char* kDest = "org.freedesktop.resolve1";
constexpr const char* kPath = "/org/freedesktop/resolve1";
constexpr const char* kIface = "org.freedesktop.resolve1.Manager";

Status bus_error(int r, const sd_bus_error* e, const char* what) {
  std::string detail = std::string(what) + ": ";
  detail += e && e->message ? e->message : std::strerror(-r);
  return Status(Errc::Failure, detail, -r);
}

class SdBusResolved : public ResolvedBus {
 public:
  explicit SdBusResolved(sd_bus* bus) : bus_(bus) {}
  ~SdBusResolved() override { sd_bus_flush_close_unref(bus_); }

  bool present() override {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus", "NameHasOwner", &e, &reply, "s", kDest);
    int has = 0;
    if (r >= 0) r = sd_bus_message_read(reply, "b", &has);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&e);
    return r >= 0 && has;
  }

  Status set_link_dns(int ifindex, const std::vector<IpAddr>& servers) override {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, kDest, kPath, kIface, "SetLinkDNS");
    if (r >= 0) r = sd_bus_message_append(m, "i", ifindex);
    if (r >= 0) r = sd_bus_message_open_container(m, 'a', "(iay)");
    for (const IpAddr& a : servers) {
      if (r >= 0) r = sd_bus_message_open_container(m, 'r', "iay");
      if (r >= 0) r = sd_bus_message_append(m, "i", a.family);
      if (r >= 0) r = sd_bus_message_append_array(m, 'y', a.bytes.data(), a.size());
      if (r >= 0) r = sd_bus_message_close_container(m);
    }
    if (r >= 0) r = sd_bus_message_close_container(m);
    return call(m, r, "SetLinkDNS");
  }

  Status set_link_domains(int ifindex, const std::vector<std::string>& domains) override {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, kDest, kPath, kIface, "SetLinkDomains");
    if (r >= 0) r = sd_bus_message_append(m, "i", ifindex);
    if (r >= 0) r = sd_bus_message_open_container(m, 'a', "(sb)");
    for (const std::string& d : domains)
      if (r >= 0) r = sd_bus_message_append(m, "(sb)", d.c_str(), 0);
    if (r >= 0) r = sd_bus_message_close_container(m);
    return call(m, r, "SetLinkDomains");
  }

  Status revert_link(int ifindex) override {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, kDest, kPath, kIface, "RevertLink");
    if (r >= 0) r = sd_bus_message_append(m, "i", ifindex);
    return call(m, r, "RevertLink");
  }

 private:
  // Sends m (built with status r so far) and waits for the reply.
  Status call(sd_bus_message* m, int r, const char* what) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    if (r >= 0) r = sd_bus_call(bus_, m, 5 * 1000 * 1000, &e, nullptr);
    Status s = r >= 0 ? Status::ok() : bus_error(r, &e, what);
    sd_bus_error_free(&e);
    sd_bus_message_unref(m);
    return s;
  }

  sd_bus* bus_;
};

}  // namespace

Result<std::unique_ptr<ResolvedBus>> open_resolved_bus() {
  sd_bus* bus = nullptr;
  int r = sd_bus_open_system(&bus);
  if (r < 0) return Status(Errc::NotFound, std::string("system bus: ") + std::strerror(-r), -r);
  return std::unique_ptr<ResolvedBus>(new SdBusResolved(bus));
}

}  // namespace ipadm::dns
