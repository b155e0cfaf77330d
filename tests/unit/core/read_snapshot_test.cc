// Read snapshots (core/read_snapshot.h) through the Service: show-addr and
// show-if answer while a write holds the service lock; a write is visible
// to the next read (published at the release); publishing shares what did
// not change.
#include "core/read_snapshot.h"

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/faulty_store.h"
#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

// A store whose apply() waits at a gate when it is closed: a write stopped
// in the middle (kernel and map done, store not), holding the service lock.
class GatedStore : public FaultyStore {
 public:
  using FaultyStore::FaultyStore;
  Status apply(const store::Batch& b) override {
    {
      std::unique_lock lock(mu_);
      inside_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
      inside_ = false;
    }
    return FaultyStore::apply(b);
  }
  void close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait_inside() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return inside_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true, inside_ = false;
};

// A fixed kernel view: readers must not use the FakeKernel while a writer
// does (it is not thread-safe), as the daemon's readers use the LiveView.
class FixedView : public KernelViewSource {
 public:
  Result<KernelView> kernel_view(const std::string&, bool) override { return kv; }
  KernelView kv;
};

class ReadSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok()) << st.status().to_string();
    store_ = std::move(*st);
    gated_ = std::make_unique<GatedStore>(*store_);
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *gated_, map_);
    ASSERT_TRUE(svc_->create_if(if_req("veth0")).is_ok());
  }
  void use_fixed_view() {
    view_.kv = *KernelView::read(kernel_);
    svc_->set_view_source(&view_);
  }
  std::map<std::string, std::string> states(const std::string& aobjname = "") {
    rpc::ShowAddrReq q;
    q.set_aobjname(aobjname);
    auto r = svc_->show_addr(q);
    std::map<std::string, std::string> out;
    if (r)
      for (const auto& a : r->addrs()) out[a.aobjname()] = a.state();
    return out;
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<GatedStore> gated_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  FixedView view_;
  int idx_ = 0;
};

TEST_F(ReadSnapshotTest, ReadsAnswerWhileAWriteHoldsTheLockAndSeeItAfter) {
  svc_->publish();  // as the daemon does once ready
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/a", "192.0.2.1/24")).is_ok());
  use_fixed_view();
  gated_->close();
  std::thread writer([&] {
    EXPECT_TRUE(svc_->create_addr(static_addr_req("veth0/b", "192.0.2.2/24")).is_ok());
  });
  gated_->wait_inside();  // the writer holds the service lock now
  auto before = states();
  EXPECT_EQ(before.count("veth0/a"), 1u);
  EXPECT_EQ(before.count("veth0/b"), 0u) << "a write not done yet is not shown";
  rpc::ShowIfReq qi;
  qi.set_ifname("veth0");
  EXPECT_TRUE(svc_->show_if(qi).is_ok());
  gated_->open();
  writer.join();
  view_.kv = *KernelView::read(kernel_);
  EXPECT_EQ(states()["veth0/b"], "ok") << "the next read sees the write";
  EXPECT_EQ(states("veth0/b")["veth0/b"], "ok");
}

// A listing sent in parts (the daemon's show-addr) gives the rows of the
// whole reply, in order, into one reused field; it keeps showing the
// snapshot and kernel view it was opened on while writes go on.
TEST_F(ReadSnapshotTest, AListingInPartsIsTheWholeReplyAsOfItsOpening) {
  for (int i = 0; i < 300; i++)
    ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/a" + std::to_string(i),
                                                  "10.0." + std::to_string(i / 200) + "." +
                                                      std::to_string(i % 200 + 1) + "/32"))
                    .is_ok());
  ASSERT_TRUE(svc_->disable_addr([] {
    rpc::AddrObjReq r;
    r.set_aobjname("veth0/a7");
    r.set_temporary(true);
    return r;
  }()).is_ok());
  auto whole = svc_->show_addr(rpc::ShowAddrReq());
  ASSERT_TRUE(whole.is_ok());
  ASSERT_EQ(whole->addrs_size(), 300);
  EXPECT_EQ(whole->addrs(299).aobjname(), "veth0/a7") << "the disabled one comes last";

  auto listing = svc_->show_addr_listing(rpc::ShowAddrReq());
  ASSERT_TRUE(listing.is_ok());
  // Writes after the opening are not in it.
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/late", "10.9.9.9/32")).is_ok());
  ASSERT_TRUE(svc_->delete_addr([] {
    rpc::DeleteAddrReq r;
    r.set_aobjname("veth0/a0");
    return r;
  }()).is_ok());
  google::protobuf::RepeatedPtrField<rpc::AddrInfo> part;
  std::vector<std::string> got;
  int parts = 0;
  for (bool more = true; more; parts++) {
    part.Clear();  // keeps the elements: the next part reuses them
    more = (*listing)->next(&part, 2048);
    ASSERT_GT(part.size(), 0);
    size_t bytes = 0;
    for (const auto& row : part) {
      got.push_back(row.SerializeAsString());
      bytes += row.ByteSizeLong() + 3;
    }
    EXPECT_LT(bytes, 2048u + 200u) << "a part is about max_bytes";
  }
  EXPECT_GT(parts, 10);
  ASSERT_EQ(got.size(), 300u);
  for (int i = 0; i < 300; i++)
    EXPECT_EQ(got[static_cast<size_t>(i)], whole->addrs(i).SerializeAsString()) << "row " << i;
  EXPECT_GT((*listing)->held_bytes(), 300u * (100 + sizeof(netlink::Addr)));
  EXPECT_LT((*listing)->held_bytes(), 300u * 400);
}

TEST_F(ReadSnapshotTest, AListingSaysItsErrorsBeforeAnyRow) {
  rpc::ShowAddrReq q;
  q.set_aobjname("veth0/none");
  EXPECT_EQ(svc_->show_addr_listing(q).status().code(), Errc::NotFound);
  q.set_aobjname("veth0/bad!name");
  EXPECT_EQ(svc_->show_addr_listing(q).status().code(), Errc::InvalidArg);
  q.set_aobjname("");
  q.set_ifname("nosuch0");
  EXPECT_EQ(svc_->show_addr_listing(q).status().code(), Errc::Enxio);
  q.set_ifname("veth0");  // known, no address: no rows, no error
  auto l = svc_->show_addr_listing(q);
  ASSERT_TRUE(l.is_ok());
  google::protobuf::RepeatedPtrField<rpc::AddrInfo> part;
  EXPECT_FALSE((*l)->next(&part, 2048));
  EXPECT_EQ(part.size(), 0);
}

TEST_F(ReadSnapshotTest, PublishingSharesWhatDidNotChange) {
  EXPECT_FALSE(svc_->read_snapshot()) << "nothing is published before publish() or a read";
  svc_->publish();
  for (int i = 0; i < 40; ++i) {
    std::string n = "veth0/a" + std::to_string(i);
    ASSERT_TRUE(svc_->create_addr(static_addr_req(n, "10.0.0." + std::to_string(i + 1) + "/32"))
                    .is_ok());
  }
  auto s1 = svc_->read_snapshot();
  ASSERT_TRUE(s1 && s1->shard("veth0"));
  ASSERT_EQ(s1->shard("veth0")->size(), 40u);
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/new", "10.0.1.1/32")).is_ok());
  auto s2 = svc_->read_snapshot();
  ASSERT_NE(s1, s2);
  const AddrShard* sh = s2->shard("veth0");
  ASSERT_EQ(sh->size(), 41u);
  int shared = 0;
  s1->shard("veth0")->for_each([&](const AddrShard::EntryPtr& e) {
    sh->for_each([&](const AddrShard::EntryPtr& f) { shared += e == f; });
  });
  EXPECT_EQ(shared, 40) << "the other objects' entries are the same, not copies";
  const AddrEntry* e = sh->find("veth0/new");
  ASSERT_TRUE(e && e->obj && e->rec);
  // The new record comes last in store order.
  sh->for_each([&](const AddrShard::EntryPtr& f) {
    if (f.get() != e) {
      EXPECT_LT(f->order, e->order);
    }
  });
  // A read changes nothing: no new snapshot.
  states();
  EXPECT_EQ(svc_->read_snapshot(), s2);
  // A property letter changes only that entry.
  rpc::SetPropReq p;
  p.set_object_kind("addr");
  p.set_object("veth0/a3");
  p.set_name("deprecated");
  p.set_value("on");
  ASSERT_TRUE(svc_->set_prop(p).is_ok());
  auto s3 = svc_->read_snapshot();
  EXPECT_TRUE(s3->shard("veth0")->find("veth0/a3")->pflags.deprecated_persistent);
  EXPECT_EQ(s3->shard("veth0")->find("veth0/a4"), s2->shard("veth0")->find("veth0/a4"));
  // delete-addr takes its entry out; delete-if the whole shard.
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/a5");
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  EXPECT_FALSE(svc_->read_snapshot()->shard("veth0")->find("veth0/a5"));
  rpc::DeleteIfReq di;
  di.set_ifname("veth0");
  ASSERT_TRUE(svc_->delete_if(di).is_ok());
  EXPECT_FALSE(svc_->read_snapshot()->shard("veth0"));
  EXPECT_FALSE(svc_->read_snapshot()->ifs.count("veth0"));
}

// A shard of 10,000 entries: a change copies one chunk and the chunk
// pointers; finds, inserts, replacements and erasures keep the name order.
TEST(AddrShard, AChangeCopiesOneChunk) {
  auto entry = [](int i) {
    auto e = std::make_shared<AddrEntry>();
    char name[32];
    std::snprintf(name, sizeof name, "veth0/a%05d", i);
    e->aobjname = name;
    return AddrShard::EntryPtr(std::move(e));
  };
  std::vector<AddrShard::EntryPtr> sorted;
  for (int i = 0; i < 10000; i += 2) sorted.push_back(entry(i));  // even numbers
  const AddrShard old = AddrShard::of(sorted);
  ASSERT_EQ(old.size(), 5000u);
  AddrShard s = old;
  s.put("veth0/a00101", entry(101));  // an insert in the middle
  EXPECT_EQ(s.size(), 5001u);
  size_t same = 0;
  for (const auto& c : s.chunks())
    for (const auto& d : old.chunks()) same += c == d;
  EXPECT_EQ(same, old.chunks().size() - 1) << "one chunk copied, the others shared";
  ASSERT_TRUE(s.find("veth0/a00101"));
  EXPECT_FALSE(old.find("veth0/a00101"));
  EXPECT_FALSE(s.find("veth0/a00103"));
  s.put("veth0/a00100", nullptr);  // an erasure
  s.put("veth0/a09999", entry(9999));  // after every name
  s.put("veth0/a00000", entry(0));     // a replacement
  for (int i = 1; i < 2000; i += 2) s.put(entry(i)->aobjname, entry(i));  // chunks split
  std::vector<std::string> names;
  s.for_each([&](const AddrShard::EntryPtr& e) { names.push_back(e->aobjname); });
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.size(), s.size());
  EXPECT_EQ(s.size(), 5000u + 1 - 1 + 1 + 999);
  for (const auto& c : s.chunks()) EXPECT_LE(c->size(), 2 * AddrShard::kChunk);
  EXPECT_FALSE(s.find("veth0/a00100"));
  EXPECT_TRUE(s.find("veth0/a01999") && s.find("veth0/a09999") && s.find("veth0/a00000"));
}

}  // namespace
}  // namespace ipadm::core
