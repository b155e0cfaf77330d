#include "daemon/access.h"

namespace ipadm::daemon {

std::optional<Access> access_of(rpc::Request::BodyCase body) {
  using R = rpc::Request;
  switch (body) {
    case R::kHello:
    case R::kShowIf:
    case R::kShowAddr:
    case R::kShowProp:
    case R::kExportConf:
    case R::kShowCheckpoint:
      return Access::Read;
    case R::kCreateIf:
    case R::kDeleteIf:
    case R::kEnableIf:
    case R::kDisableIf:
    case R::kCreateAddr:
    case R::kDeleteAddr:
    case R::kUpAddr:
    case R::kDownAddr:
    case R::kEnableAddr:
    case R::kDisableAddr:
    case R::kRefreshAddr:
    case R::kSetProp:
    case R::kRestore:
    case R::kImportConf:
    case R::kCheckpoint:
    case R::kCommit:
    case R::kRollback:
      return Access::Write;
    case R::BODY_NOT_SET:
      break;
  }
  return std::nullopt;
}

}  // namespace ipadm::daemon
